"""AssignedAddOns, API 2010-04-01: installed Add-ons assigned to one phone number.

``client.incoming_phone_numbers("PN…").assigned_add_ons``. An assignment is addressed by
the installed Add-on's ``XE…`` SID; its extensions mirror the installed Add-on's.
"""

from __future__ import annotations

from typing import Annotated

from typing_extensions import Doc, Required, TypedDict, Unpack

from ..envelopes import PagingV2010
from ..hosts import Product
from ..models import AssignedAddOn, AssignedAddOnExtension
from ..params import Sid, schema
from .base import Collection, Deletable, Endpoint, Instance

__all__ = [
    "AssignedAddOnContext",
    "AssignedAddOnCreate",
    "AssignedAddOnExtensionContext",
    "AssignedAddOnExtensionList",
    "AssignedAddOnList",
]

_ROOT = "/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{resource_sid}/AssignedAddOns"


class AssignedAddOnCreate(TypedDict, total=False):
    """Assign an installed Add-on (``XE…``) to the number."""

    installed_add_on_sid: Required[
        Annotated[str, Sid("XE"), Doc("The SID that identifies the Add-on installation.")]
    ]


class AssignedAddOnExtensionContext(Instance[AssignedAddOnExtension]):
    """``….assigned_add_ons("XE…").extensions("XF…")``."""

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT + "/{assigned_add_on_sid}/Extensions/{sid}.json")
    _model = AssignedAddOnExtension
    _sid_prefix = "XF"


class AssignedAddOnExtensionList(Collection[AssignedAddOnExtension, AssignedAddOnExtensionContext]):
    """``….assigned_add_ons("XE…").extensions``: where the assigned Add-on can be invoked."""

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT + "/{assigned_add_on_sid}/Extensions.json")
    _model = AssignedAddOnExtension
    _paging = PagingV2010("extensions")
    _instance = AssignedAddOnExtensionContext


class AssignedAddOnContext(Deletable[AssignedAddOn]):
    """``….assigned_add_ons("XE…")``: fetch, or ``delete()`` to unassign."""

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT + "/{sid}.json")
    _model = AssignedAddOn
    _sid_prefix = "XE"

    @property
    def extensions(self) -> AssignedAddOnExtensionList:
        """The extensions of this Add-on on this number (list, or fetch one by ``XF…`` SID)."""
        return self._child(AssignedAddOnExtensionList, assigned_add_on_sid=self.sid)


class AssignedAddOnList(Collection[AssignedAddOn, AssignedAddOnContext]):
    """``client.incoming_phone_numbers("PN…").assigned_add_ons``."""

    __slots__ = ()

    _endpoint = Endpoint(Product.API, _ROOT + ".json")
    _model = AssignedAddOn
    _paging = PagingV2010("assigned_add_ons")
    _instance = AssignedAddOnContext
    _create_params = schema(
        AssignedAddOnCreate, operation="IncomingPhoneNumbers(sid).assigned_add_ons.create"
    )

    async def create(self, **params: Unpack[AssignedAddOnCreate]) -> AssignedAddOn:
        """Assign the installed Add-on ``installed_add_on_sid`` (``XE…``) to this number."""
        return await self._create(params)

    create_async = create  # the official twilio package's spelling
