"""The pages with NiceGUI's simulated user, against a real capture server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from services.runtime.client import open_channel
from services.runtime.server import ServiceRuntime
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc, common_pb2, pairing_pb2, pairing_pb2_grpc
from tests.ui.conftest import Person
from tests.ui.helpers import login, new_project, tap_pin
from tests.ui.photos import jpeg


async def _upload_requests(
    data: bytes, filename: str, project_id: str
) -> AsyncIterator[capture_pb2.UploadPhotoRequest]:
    yield capture_pb2.UploadPhotoRequest(
        metadata=capture_pb2.PhotoMetadata(
            project_id=project_id, filename=filename, camera_id="test-rig"
        )
    )
    yield capture_pb2.UploadPhotoRequest(chunk=common_pb2.Chunk(offset=0, data=data))


def _uploader(user: User, marker: str = "upload-files") -> ui.upload:
    element = next(iter(user.find(marker=marker).elements))
    assert isinstance(element, ui.upload)
    return element


async def test_login_with_the_right_pin(ui_user: User, people: dict[str, Person]) -> None:
    await login(ui_user, people["staff"])
    await ui_user.should_see("Projects")
    await ui_user.should_see("Sam")


async def test_wrong_pin_is_refused_then_paused(ui_user: User, people: dict[str, Person]) -> None:
    staff = people["staff"]
    await login(ui_user, staff, pin="0000")
    await ui_user.should_see("Wrong PIN. 2 more tries before a pause.")
    await tap_pin(ui_user, "1111")
    await ui_user.should_see("Wrong PIN. 1 more try before a pause.")
    await tap_pin(ui_user, "2222")
    await ui_user.should_see("Too many wrong PINs. Try again in 5 s.")
    # Even the right PIN waits out the pause: the keys are disabled.
    await tap_pin(ui_user, staff.pin)
    await ui_user.should_not_see(marker="who")
    await ui_user.should_see("Hello Sam, enter your PIN")


async def test_pages_need_a_login(ui_user: User, people: dict[str, Person]) -> None:
    await ui_user.open("/project/whatever")
    await ui_user.should_see("Tap your name")
    await ui_user.open("/users")
    await ui_user.should_see("Tap your name")


async def test_first_start_asks_for_the_owner(ui_env: None, ui_user: User) -> None:
    await ui_user.open("/login")  # no users yet: redirected to /setup
    await ui_user.should_see("Create the owner: the person who manages users and cameras.")
    await tap_pin(ui_user, "4321")
    await ui_user.should_see("Enter the same PIN again")
    await tap_pin(ui_user, "4321")
    await ui_user.should_see(marker="who", retries=30)
    await ui_user.should_see("Owner")
    await ui_user.should_see("Users")  # the owner's navigation


async def test_create_project_and_find_it(ui_user: User, people: dict[str, Person]) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user, "Mrs Jones")
    assert project_id.startswith("mrs-jones-sofa-")
    await ui_user.should_see("555-0101")
    await ui_user.open("/")
    await ui_user.should_see(marker=f"project-{project_id}")
    ui_user.find(marker="search").type("nobody-like-this")
    await ui_user.should_see("No projects match.", retries=30)


async def test_upload_from_browser_appears_in_grid(
    ui_user: User, people: dict[str, Person], capture: ServiceRuntime
) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user)
    await ui_user.should_see("No photos yet", retries=20)
    files = [
        SmallFileUpload("IMG_1.JPG", "image/jpeg", jpeg(1)),
        SmallFileUpload("IMG_2.JPG", "image/jpeg", b"this is not a photo at all"),
    ]
    await _uploader(ui_user).handle_uploads(files)
    await ui_user.should_see("1 photo added, 1 refused", retries=50)
    await ui_user.should_see("IMG_1.JPG")
    with ui_user.scope(marker="upload-problems"):
        await ui_user.should_see(content="IMG_2.JPG: ")
    # The thumbnail comes through the UI's media route, streamed from capture.
    async with open_channel(capture.target, _staff_token(capture)) as channel:
        listed = await capture_pb2_grpc.CaptureServiceStub(channel).ListPhotos(
            capture_pb2.ListPhotosRequest(project_id=project_id)
        )
    assert [p.filename for p in listed.photos] == ["IMG_1.JPG"]
    response = await ui_user.http_client.get(f"/media/{project_id}/{listed.photos[0].id}/thumb")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.content[:2] == b"\xff\xd8"


async def test_photo_from_another_client_appears_live(
    ui_user: User, people: dict[str, Person], capture: ServiceRuntime
) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user)
    await ui_user.should_see("No photos yet", retries=20)
    async with open_channel(capture.target, _staff_token(capture)) as channel:
        stub = capture_pb2_grpc.CaptureServiceStub(channel)
        started = time.monotonic()
        await stub.UploadPhoto(_upload_requests(jpeg(7), "RIG_0007.JPG", project_id))
        await ui_user.should_see("RIG_0007.JPG", retries=100)
        elapsed = time.monotonic() - started
        print(f"upload-to-visible {elapsed:.3f} s")
        assert elapsed < 3.0  # upload, checks and fan-out; about 0.1-0.2 s here
    await ui_user.should_see(content="1 photo · ")
    await ui_user.should_see(marker="verdict-warn")  # 0.8 MP: capture says it is small
    await ui_user.should_see(content="Photo is small")


async def test_paired_camera_uploads_into_the_active_capture(
    ui_user: User, people: dict[str, Person], capture: ServiceRuntime
) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user)
    ui_user.find(marker="start-capture").click()
    await ui_user.should_see(marker="stop-capture", retries=30)
    await ui_user.should_see("Capturing")
    async with open_channel(capture.target, _staff_token(capture)) as channel:
        code = await pairing_pb2_grpc.PairingServiceStub(channel).CreatePairingCode(
            pairing_pb2.CreatePairingCodeRequest()
        )
        paired = await pairing_pb2_grpc.PairingServiceStub(channel).PairDevice(
            pairing_pb2.PairDeviceRequest(code=code.code, device_name="pi-rig-2")
        )
    async with open_channel(capture.target, paired.device_token) as camera:
        await capture_pb2_grpc.CaptureServiceStub(camera).UploadPhoto(
            _upload_requests(jpeg(11), "PI_0001.JPG", "")
        )
    await ui_user.should_see("PI_0001.JPG", retries=100)
    ui_user.find(marker="stop-capture").click()
    await ui_user.should_see(marker="start-capture", retries=30)
    assert project_id


async def test_viewer_cannot_delete_but_staff_can(
    ui_user: User, people: dict[str, Person], capture: ServiceRuntime
) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user)
    async with open_channel(capture.target, _staff_token(capture)) as channel:
        stored = await capture_pb2_grpc.CaptureServiceStub(channel).UploadPhoto(
            _upload_requests(jpeg(3), "KEEP.JPG", project_id)
        )
    card = f"photo-{stored.photo.id[:12]}"

    ui_user.find(marker="logout").click()
    await ui_user.should_see("Tap your name", retries=30)
    await login(ui_user, people["viewer"])
    await ui_user.open(f"/project/{project_id}")
    await ui_user.should_see("KEEP.JPG", retries=30)
    await ui_user.should_not_see(marker="take-photos")
    await ui_user.should_not_see(marker="new-project")
    ui_user.find(marker=card).click()
    await ui_user.should_see(marker="photo-close")
    await ui_user.should_not_see(marker="photo-delete")
    ui_user.find(marker="photo-close").click()

    ui_user.find(marker="logout").click()
    await ui_user.should_see("Tap your name", retries=30)
    await login(ui_user, people["staff"])
    await ui_user.open(f"/project/{project_id}")
    await ui_user.should_see("KEEP.JPG", retries=30)
    ui_user.find(marker=card).click()
    await ui_user.should_see(marker="photo-reason")  # the reason is readable without hover
    ui_user.find(marker="photo-delete").click()
    await ui_user.should_see(marker="confirm-yes")
    ui_user.find(marker="confirm-yes").click()
    await ui_user.should_not_see(marker=card, retries=30)
    await ui_user.should_see("Deleted KEEP.JPG")  # the notification
    await ui_user.should_see("No photos yet")


async def test_owner_only_pages(ui_user: User, people: dict[str, Person]) -> None:
    await login(ui_user, people["staff"])
    await ui_user.should_not_see(marker="nav-users")
    await ui_user.open("/users")  # redirected home
    await ui_user.should_see(marker="new-project")
    await ui_user.open("/pairing")
    await ui_user.should_see(marker="pairing-code")
    await ui_user.should_see("Only the owner can see and revoke paired cameras.")

    ui_user.find(marker="logout").click()
    await ui_user.should_see("Tap your name", retries=30)
    await login(ui_user, people["owner"])
    await ui_user.open("/users")
    await ui_user.should_see(marker=f"user-row-{people['viewer'].id}")


async def test_pairing_code_shows_six_digits(ui_user: User, people: dict[str, Person]) -> None:
    await login(ui_user, people["owner"])
    await ui_user.open("/pairing")
    for _ in range(50):
        text = next(iter(ui_user.find(marker="pairing-code").elements)).text
        if text[:1].isdigit():
            break
        await asyncio.sleep(0.05)
    assert len(text.replace(" ", "")) == 6 and text.replace(" ", "").isdigit()
    await ui_user.should_see("No camera is paired yet.")


def _staff_token(capture: ServiceRuntime) -> str:
    return capture.signer.issue("test:staff", "staff", name="test")


async def test_capture_down_shows_a_banner_not_a_crash(
    ui_user: User, people: dict[str, Person], capture: ServiceRuntime
) -> None:
    await login(ui_user, people["staff"])
    project_id = await new_project(ui_user)
    await ui_user.should_not_see(marker="capture-banner")
    await capture.stop(0)
    await ui_user.should_see(content="capture service unavailable — retrying", retries=100)
    await ui_user.open(f"/project/{project_id}")
    await ui_user.should_see(content="Photos cannot be shown now", retries=100)
    await ui_user.should_see(marker="capture-banner")


async def test_media_needs_a_login(ui_user: User, people: dict[str, Person]) -> None:
    response = await ui_user.http_client.get("/media/some-project/" + "ab" * 32 + "/thumb")
    assert response.status_code == 401
    await login(ui_user, people["viewer"])
    response = await ui_user.http_client.get("/media/some-project/" + "ab" * 32 + "/thumb")
    assert response.status_code == 404
    response = await ui_user.http_client.get("/media/../etc/passwd/thumb")
    assert response.status_code == 404


async def test_owner_adds_a_user_who_can_then_log_in(
    ui_user: User, people: dict[str, Person]
) -> None:
    await login(ui_user, people["owner"])
    await ui_user.open("/users")
    ui_user.find(marker="add-user").click()
    await ui_user.should_see(marker="new-user-name")
    ui_user.find(marker="new-user-name").type("Tess")
    ui_user.find(marker="new-user-role-viewer").click()
    ui_user.find(marker="new-user-next").click()
    await ui_user.should_see(marker="newpin-enter")
    await tap_pin(ui_user, "8642", prefix="newpin")
    await ui_user.should_see("Enter the same PIN again")
    await tap_pin(ui_user, "8642", prefix="newpin")
    await ui_user.should_see("Added Tess", retries=30)
    # The only owner cannot disable herself: a readable refusal, nothing changes.
    ui_user.find(marker=f"disable-{people['owner'].id}").click()
    await ui_user.should_see("this is the only owner: make someone else owner first", retries=30)

    ui_user.find(marker="logout").click()
    await ui_user.should_see("Tess", retries=30)
    tess = Person(4, "Tess", "viewer", "8642")
    await login(ui_user, tess)
    await ui_user.should_see("Viewer (read only)")


async def test_owner_sees_and_revokes_a_paired_camera(
    ui_user: User, people: dict[str, Person], capture: ServiceRuntime
) -> None:
    async with open_channel(capture.target, _staff_token(capture)) as channel:
        pairing = pairing_pb2_grpc.PairingServiceStub(channel)
        code = await pairing.CreatePairingCode(pairing_pb2.CreatePairingCodeRequest())
        paired = await pairing.PairDevice(
            pairing_pb2.PairDeviceRequest(code=code.code, device_name="pi-rig-2")
        )
    await login(ui_user, people["owner"])
    await ui_user.open("/pairing")
    await ui_user.should_see("pi-rig-2", retries=30)
    ui_user.find(marker=f"revoke-{paired.device_id}").click()
    await ui_user.should_see(marker="confirm-yes")
    ui_user.find(marker="confirm-yes").click()
    await ui_user.should_see("Revoked", retries=30)
    await ui_user.should_not_see(marker=f"revoke-{paired.device_id}")
