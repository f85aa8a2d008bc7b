"""Camera pairing over gRPC, and the device registry's rules (single use, expiry,
limited guesses, revocation, persistence)."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest

from services.capture.app import Capture
from services.capture.devices import DeviceRegistry
from services.errors import InvalidArgument, ResourceExhausted, Unauthenticated
from services.runtime.client import open_channel
from services.runtime.tokens import TokenSigner
from stitchsketch.v1 import pairing_pb2, pairing_pb2_grpc
from tests.services.capture import helpers
from tests.services.capture.helpers import PROJECT, Client


async def pair(target: str, code: str, name: str = "pi-rig-2") -> pairing_pb2.PairDeviceResponse:
    async with open_channel(target) as channel:  # no token: pairing is public
        stub = pairing_pb2_grpc.PairingServiceStub(channel)
        return await stub.PairDevice(pairing_pb2.PairDeviceRequest(code=code, device_name=name))


async def new_code(target: str, token: str) -> str:
    async with open_channel(target, token) as channel:
        stub = pairing_pb2_grpc.PairingServiceStub(channel)
        return (await stub.CreatePairingCode(pairing_pb2.CreatePairingCodeRequest())).code


async def test_pairing_gives_an_upload_only_token(
    capture_server: Capture, staff_token: str, owner_token: str
) -> None:
    target = capture_server.runtime.target
    async with Client(target, staff_token) as staff:
        await staff.set_active(PROJECT)
    code = await new_code(target, staff_token)
    assert len(code) == 6 and code.isdigit()

    paired = await pair(target, code)
    assert paired.box_id == capture_server.runtime.box_id and paired.device_id

    with pytest.raises(grpc.aio.AioRpcError) as err:  # each code works once
        await pair(target, code)
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "make a new one on the kiosk" in (err.value.details() or "")

    async with Client(target, paired.device_token) as camera:
        photo = (await camera.upload(helpers.jpeg(seed=20), filename="DSC1.JPG")).photo
        assert photo.project_id == PROJECT and photo.camera_id == "pi-rig-2"
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await camera.list()
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED

    async with open_channel(target, owner_token) as channel:
        stub = pairing_pb2_grpc.PairingServiceStub(channel)
        devices = (await stub.ListDevices(pairing_pb2.ListDevicesRequest())).devices
        assert [d.id for d in devices] == [paired.device_id]
        assert devices[0].name == "pi-rig-2" and devices[0].HasField("last_seen_at")
        revoked = await stub.RevokeDevice(
            pairing_pb2.RevokeDeviceRequest(device_id=paired.device_id)
        )
        assert revoked.device.revoked

    async with Client(target, paired.device_token) as camera:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await camera.upload(helpers.jpeg(seed=21))
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "pair it again" in (err.value.details() or "")


async def test_staff_cannot_list_or_revoke_devices(capture_server: Capture, staff_token) -> None:
    async with open_channel(capture_server.runtime.target, staff_token) as channel:
        stub = pairing_pb2_grpc.PairingServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.ListDevices(pairing_pb2.ListDevicesRequest())
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_pairing_codes_expire(capture_factory, staff_token) -> None:
    import asyncio

    capture = await capture_factory(pairing_code_ttl_s=0.2)
    code = await new_code(capture.runtime.target, staff_token)
    await asyncio.sleep(0.3)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await pair(capture.runtime.target, code)
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def registry(tmp_path: Path, clock: Clock) -> DeviceRegistry:
    signer = TokenSigner(b"k" * 32, "box-1")
    return DeviceRegistry(
        tmp_path / "devices.json", signer, code_ttl_s=60, max_failures=3, clock=clock
    )


def test_code_works_once_and_expires(registry: DeviceRegistry, clock: Clock) -> None:
    code, expires = registry.create_code()
    assert expires == clock.now + 60
    device, _ = registry.pair(code, "cam")
    with pytest.raises(Unauthenticated):
        registry.pair(code, "cam")
    code, _ = registry.create_code()
    clock.now += 61
    with pytest.raises(Unauthenticated):
        registry.pair(code, "cam")
    assert [d.id for d in registry.list()] == [device.id]


def test_wrong_guesses_burn_every_code(registry: DeviceRegistry) -> None:
    code, _ = registry.create_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            registry.pair(wrong, "mallory")
    with pytest.raises(Unauthenticated):
        registry.pair(wrong, "mallory")  # the third wrong code burns the live ones
    with pytest.raises(ResourceExhausted, match="new code on the kiosk"):
        registry.pair(code, "cam")  # even the right code no longer works
    fresh, _ = registry.create_code()
    registry.pair(fresh, "cam")


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567"])
def test_malformed_codes_name_the_field(registry: DeviceRegistry, code: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        registry.pair(code, "cam")
    assert err.value.field == "code"


def test_registry_persists_and_revocation_sticks(tmp_path: Path, registry: DeviceRegistry) -> None:
    code, _ = registry.create_code()
    device, token = registry.pair(code, "cam\x00\n-1")
    assert device.name == "cam-1"  # control characters dropped
    signer = TokenSigner(b"k" * 32, "box-1")
    who = signer.verify(token)
    assert who.kind == "device" and not registry.is_revoked(who)
    registry.revoke(device.id)
    reopened = DeviceRegistry(tmp_path / "devices.json", signer)
    assert reopened.is_revoked(who)
    assert reopened.list()[0].revoked
    stranger = signer.verify(signer.issue("dev-unknown", "device", kind="device"))
    assert reopened.is_revoked(stranger)  # only registered devices may upload


async def test_camera_upload_needs_an_active_capture(capture_server: Capture, device_token) -> None:
    async with Client(capture_server.runtime.target, device_token) as camera:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await camera.upload(helpers.jpeg(seed=22))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert err.value.details() == "no project is capturing: start capture on the kiosk"
