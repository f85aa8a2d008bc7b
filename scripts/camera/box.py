"""Where the box's capture service answers: a fixed --box address, or mDNS browsing."""

from __future__ import annotations

import logging

from appliance.mdns import Discovery, split_target
from services.errors import Unavailable

log = logging.getLogger(__name__)

#: How long one mDNS lookup waits for the capture service to be announced.
RESOLVE_TIMEOUT_S = 5.0


class BoxLink:
    """Finds the capture service and finds it again when it moves (new address or port)."""

    def __init__(self, box: str | None = None, *, static: dict[str, str] | None = None):
        if box:
            split_target(box)  # ValueError names what is wrong with it
        self._fixed = box or None
        self._static = static
        #: The box we are paired with: its services are preferred when several boxes answer.
        self.box_id: str | None = None
        self._discovery: Discovery | None = None
        self._target: str | None = None

    @property
    def fixed(self) -> bool:
        """True when the address was given, so there is nothing to look up again."""
        return self._fixed is not None

    async def target(self, *, refresh: bool = False) -> str:
        """The capture service's "host:port"; raises services.errors.Unavailable when
        mDNS finds none (the caller retries)."""
        if self._fixed:
            return self._fixed
        if self._target and not refresh:
            return self._target
        if self._discovery is None:
            self._discovery = Discovery(self._static, box_id=self.box_id)
            await self._discovery.start()
        endpoint = await self._discovery.resolve("capture", RESOLVE_TIMEOUT_S)
        if self.box_id and endpoint.source == "mdns" and endpoint.box_id != self.box_id:
            ours = [e for e in self._discovery.endpoints("capture") if e.box_id == self.box_id]
            if not ours:  # another shop's box answers, ours does not (yet): keep waiting
                raise Unavailable(
                    f"only box {endpoint.box_id} announces a capture service; this camera is "
                    f"paired with box {self.box_id}. Pair again to switch boxes"
                )
            endpoint = ours[0]
        if endpoint.target != self._target:
            log.info(
                "capture service found at %s (box %s, via %s)",
                endpoint.target,
                endpoint.box_id or "?",
                endpoint.source,
            )
        self._target = endpoint.target
        return self._target

    async def close(self) -> None:
        if self._discovery is not None:
            await self._discovery.close()
            self._discovery = None
