"""Add-ons: the Marketplace catalog, installs, and their assignment to phone numbers.

``AvailableAddOn``/``InstalledAddOn`` and their extensions come from Marketplace v1
(``marketplace.twilio.com/v1``) or the deprecated preview (``preview.twilio.com/marketplace``);
both specs describe the same fields (the preview leaves ``configuration`` and
``configuration_schema`` untyped, v1 makes them objects), and their dates are ISO 8601.
``AssignedAddOn`` and its extensions come from API 2010-04-01, with RFC 2822 dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .common import model

__all__ = [
    "AssignedAddOn",
    "AssignedAddOnExtension",
    "AvailableAddOn",
    "AvailableAddOnExtension",
    "InstalledAddOn",
    "InstalledAddOnExtension",
]


@model
class AvailableAddOn:
    """An Add-on Listing in the Marketplace catalog (``XB…``).

    ``configuration_schema`` is the JSON Schema an install's ``configuration`` must satisfy;
    ``links`` holds the absolute URL of its ``extensions``.
    """

    sid: str
    friendly_name: str | None = None
    description: str | None = None
    pricing_type: str | None = None
    configuration_schema: Mapping[str, Any] | None = None
    url: str | None = None
    links: Mapping[str, str] | None = None


@model
class AvailableAddOnExtension:
    """A product integration point (``XF…``) where an available Add-on can be invoked."""

    sid: str
    available_add_on_sid: str | None = None
    friendly_name: str | None = None
    product_name: str | None = None
    unique_name: str | None = None
    url: str | None = None


@model
class InstalledAddOn:
    """An Add-on installed on the account (``XE…``) with its ``configuration``.

    ``links`` holds the absolute URLs of its ``extensions`` and ``available_add_on``.
    """

    sid: str
    account_sid: str | None = None
    friendly_name: str | None = None
    description: str | None = None
    configuration: Mapping[str, Any] | None = None
    unique_name: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    url: str | None = None
    links: Mapping[str, str] | None = None


@model
class InstalledAddOnExtension:
    """An extension of an installed Add-on; ``enabled`` says whether it is invoked."""

    sid: str
    installed_add_on_sid: str | None = None
    friendly_name: str | None = None
    product_name: str | None = None
    unique_name: str | None = None
    enabled: bool | None = None
    url: str | None = None


@model
class AssignedAddOn:
    """An installed Add-on assigned to one phone number (``resource_sid``, ``PN…``).

    Its ``sid`` is the installed Add-on's ``XE…`` SID. ``subresource_uris`` holds the
    relative URI of its ``extensions``.
    """

    sid: str
    account_sid: str | None = None
    resource_sid: str | None = None
    friendly_name: str | None = None
    description: str | None = None
    configuration: Mapping[str, Any] | None = None
    unique_name: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    uri: str | None = None
    subresource_uris: Mapping[str, str] | None = None


@model
class AssignedAddOnExtension:
    """An extension of an Add-on assigned to a phone number; ``enabled`` mirrors the
    installed Add-on's extension."""

    sid: str
    account_sid: str | None = None
    resource_sid: str | None = None
    assigned_add_on_sid: str | None = None
    friendly_name: str | None = None
    product_name: str | None = None
    unique_name: str | None = None
    uri: str | None = None
    enabled: bool | None = None
