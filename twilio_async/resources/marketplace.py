"""Marketplace: the Add-on catalog and the account's installed Add-ons.

Declared once, against Marketplace v1 (``marketplace.twilio.com/v1``). The deprecated
preview (``preview.twilio.com/marketplace``) serves the same resources; ``client.preview``
reaches them through :data:`PREVIEW_MOUNT`, which re-hosts every endpoint below.

Installed Add-ons belong to the account the client authenticates as (there is no account
SID in these paths).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Annotated, Any

from typing_extensions import Doc, Required, TypedDict, Unpack, deprecated

from ..envelopes import PagingV1
from ..hosts import Product
from ..models import (
    AvailableAddOn,
    AvailableAddOnExtension,
    InstalledAddOn,
    InstalledAddOnExtension,
)
from ..params import JsonObject, Sid, schema
from .base import Collection, Deletable, Endpoint, Instance, Mount, Requester, Resource

__all__ = [
    "PREVIEW_MOUNT",
    "AvailableAddOnContext",
    "AvailableAddOnExtensionContext",
    "AvailableAddOnExtensionList",
    "AvailableAddOnList",
    "InstalledAddOnContext",
    "InstalledAddOnCreate",
    "InstalledAddOnExtensionContext",
    "InstalledAddOnExtensionList",
    "InstalledAddOnExtensionUpdate",
    "InstalledAddOnList",
    "InstalledAddOnUpdate",
    "Marketplace",
    "MarketplaceV1",
    "Preview",
]

#: The preview serves the v1 resources under another host and root.
PREVIEW_MOUNT = Mount(Product.MARKETPLACE, "/v1", Product.PREVIEW, "/marketplace")

_AVAILABLE = "/v1/AvailableAddOns"
_INSTALLED = "/v1/InstalledAddOns"

Configuration = Annotated[Mapping[str, Any], JsonObject]


class InstalledAddOnCreate(TypedDict, total=False):
    """Install ``available_add_on_sid`` (``XB…``); the Terms of Service must be accepted.

    ``configuration`` must satisfy the Add-on's ``configuration_schema``; it is sent as a
    JSON object. ``unique_name`` must be unique within the account.
    """

    available_add_on_sid: Required[
        Annotated[str, Sid("XB"), Doc("The SID of the AvaliableAddOn to install.")]
    ]
    accept_terms_of_service: Required[
        Annotated[bool, Doc("Whether the Terms of Service were accepted.")]
    ]
    configuration: Annotated[
        Configuration,
        Doc("The JSON object that represents the configuration of the new Add-on being installed."),
    ]
    unique_name: Annotated[
        str,
        Doc(
            "An application-defined string that uniquely identifies the resource. This value "
            "must be unique within the Account."
        ),
    ]


class InstalledAddOnUpdate(TypedDict, total=False):
    """Replace the configuration and/or rename the install."""

    configuration: Annotated[
        Configuration,
        Doc(
            "Valid JSON object that conform to the configuration schema exposed by the "
            "associated AvailableAddOn resource. This is only required by Add-ons that need "
            "to be configured"
        ),
    ]
    unique_name: Annotated[
        str,
        Doc(
            "An application-defined string that uniquely identifies the resource. This value "
            "must be unique within the Account."
        ),
    ]


class InstalledAddOnExtensionUpdate(TypedDict, total=False):
    """Turn an extension on or off."""

    enabled: Required[Annotated[bool, Doc("Whether the Extension should be invoked.")]]


# -- the catalog ----------------------------------------------------------------------------


class AvailableAddOnExtensionContext(Instance[AvailableAddOnExtension]):
    """``marketplace.available_add_ons("XB…").extensions("XF…")``."""

    __slots__ = ()

    _endpoint = Endpoint(
        Product.MARKETPLACE, _AVAILABLE + "/{available_add_on_sid}/Extensions/{sid}"
    )
    _model = AvailableAddOnExtension
    _sid_prefix = "XF"


class AvailableAddOnExtensionList(
    Collection[AvailableAddOnExtension, AvailableAddOnExtensionContext]
):
    """``marketplace.available_add_ons("XB…").extensions``: where the Add-on can be invoked."""

    __slots__ = ()

    _endpoint = Endpoint(Product.MARKETPLACE, _AVAILABLE + "/{available_add_on_sid}/Extensions")
    _model = AvailableAddOnExtension
    _paging = PagingV1("extensions")
    _instance = AvailableAddOnExtensionContext


class AvailableAddOnContext(Instance[AvailableAddOn]):
    """``marketplace.available_add_ons("XB…")``."""

    __slots__ = ()

    _endpoint = Endpoint(Product.MARKETPLACE, _AVAILABLE + "/{sid}")
    _model = AvailableAddOn
    _sid_prefix = "XB"

    @property
    def extensions(self) -> AvailableAddOnExtensionList:
        """The extensions of this Add-on listing (list, or fetch one by ``XF…`` SID)."""
        return self._child(AvailableAddOnExtensionList, available_add_on_sid=self.sid)


class AvailableAddOnList(Collection[AvailableAddOn, AvailableAddOnContext]):
    """``marketplace.available_add_ons``: the Add-ons this account may install."""

    __slots__ = ()

    _endpoint = Endpoint(Product.MARKETPLACE, _AVAILABLE)
    _model = AvailableAddOn
    _paging = PagingV1("available_add_ons")
    _instance = AvailableAddOnContext


# -- installs -------------------------------------------------------------------------------


class InstalledAddOnExtensionContext(Instance[InstalledAddOnExtension]):
    """``marketplace.installed_add_ons("XE…").extensions("XF…")``: fetch, enable, disable."""

    __slots__ = ()

    _endpoint = Endpoint(
        Product.MARKETPLACE, _INSTALLED + "/{installed_add_on_sid}/Extensions/{sid}"
    )
    _model = InstalledAddOnExtension
    _sid_prefix = "XF"
    _update_params = schema(
        InstalledAddOnExtensionUpdate, operation="InstalledAddOns(sid).extensions(sid).update"
    )

    async def update(
        self, **params: Unpack[InstalledAddOnExtensionUpdate]
    ) -> InstalledAddOnExtension:
        """``update(enabled=True)`` to invoke the Add-on at this extension, False to stop."""
        return await self._update(params)

    update_async = update  # the official twilio package's spelling


class InstalledAddOnExtensionList(
    Collection[InstalledAddOnExtension, InstalledAddOnExtensionContext]
):
    """``marketplace.installed_add_ons("XE…").extensions`` (all disabled after install)."""

    __slots__ = ()

    _endpoint = Endpoint(Product.MARKETPLACE, _INSTALLED + "/{installed_add_on_sid}/Extensions")
    _model = InstalledAddOnExtension
    _paging = PagingV1("extensions")
    _instance = InstalledAddOnExtensionContext


class InstalledAddOnContext(Deletable[InstalledAddOn]):
    """``marketplace.installed_add_ons("XE…")``: fetch, update, ``delete()`` to uninstall."""

    __slots__ = ()

    _endpoint = Endpoint(Product.MARKETPLACE, _INSTALLED + "/{sid}")
    _model = InstalledAddOn
    _sid_prefix = "XE"
    _update_params = schema(
        InstalledAddOnUpdate,
        operation="InstalledAddOns(sid).update",
        elsewhere={
            "available_add_on_sid": "an install keeps its Add-on: install another with "
            "InstalledAddOns.create()",
        },
    )

    async def update(self, **params: Unpack[InstalledAddOnUpdate]) -> InstalledAddOn:
        """Replace ``configuration`` and/or change ``unique_name``."""
        return await self._update(params)

    update_async = update  # the official twilio package's spelling

    @property
    def extensions(self) -> InstalledAddOnExtensionList:
        """The extensions of this install: list them, or
        ``extensions("XF…").update(enabled=...)``."""
        return self._child(InstalledAddOnExtensionList, installed_add_on_sid=self.sid)


class InstalledAddOnList(Collection[InstalledAddOn, InstalledAddOnContext]):
    """``marketplace.installed_add_ons``: the Add-ons installed on the account."""

    __slots__ = ()

    _endpoint = Endpoint(Product.MARKETPLACE, _INSTALLED)
    _model = InstalledAddOn
    _paging = PagingV1("installed_add_ons")
    _instance = InstalledAddOnContext
    _create_params = schema(InstalledAddOnCreate, operation="InstalledAddOns.create")

    async def create(self, **params: Unpack[InstalledAddOnCreate]) -> InstalledAddOn:
        """Install an available Add-on: ``available_add_on_sid="XB…"``,
        ``accept_terms_of_service=True``, and the ``configuration`` its schema requires."""
        return await self._create(params)

    create_async = create  # the official twilio package's spelling


# -- entry points ---------------------------------------------------------------------------


class Marketplace(Resource):
    """``client.marketplace`` (Marketplace v1), or ``client.preview.marketplace``."""

    __slots__ = ()

    @property
    def available_add_ons(self) -> AvailableAddOnList:
        """The Add-on catalog."""
        return self._child(AvailableAddOnList)

    @property
    def installed_add_ons(self) -> InstalledAddOnList:
        """The Add-ons installed on the authenticated account."""
        return self._child(InstalledAddOnList)

    def __repr__(self) -> str:
        mount = self._mount
        where = "marketplace/v1" if mount is None else f"{mount.to_product.value}{mount.to_root}"
        return f"<Marketplace {where}>"


class MarketplaceV1(Marketplace):
    """``client.marketplace``: Marketplace v1, its only version."""

    __slots__ = ()

    @property
    def v1(self) -> MarketplaceV1:
        """This same Marketplace v1: the official twilio package's spelling
        ``client.marketplace.v1.available_add_ons``."""
        return self


_PREVIEW_DEPRECATED = (
    "client.preview.marketplace (preview.twilio.com/marketplace) is deprecated by Twilio; "
    "use client.marketplace (Marketplace v1, marketplace.twilio.com/v1), which has the same "
    "available_add_ons and installed_add_ons"
)


class Preview:
    """``client.preview``: Twilio's preview domain (``preview.twilio.com``)."""

    __slots__ = ("_requester",)

    def __init__(self, requester: Requester) -> None:
        self._requester = requester

    @property
    # For type checkers (they need a literal message); the runtime warning is below.
    @deprecated("Twilio deprecated the preview: use client.marketplace", category=None)
    def marketplace(self) -> Marketplace:
        """Deprecated by Twilio in favour of ``client.marketplace`` (v1): same surface.

        Every access emits a :class:`DeprecationWarning` pointing at the caller's line.
        """
        warnings.warn(_PREVIEW_DEPRECATED, DeprecationWarning, stacklevel=2)
        return Marketplace(self._requester, {}, PREVIEW_MOUNT)

    def __repr__(self) -> str:
        return "<Preview>"
