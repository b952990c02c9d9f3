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
    """The unique string that we created to identify the AvailableAddOn resource."""
    friendly_name: str | None = None
    """The string that you assigned to describe the resource."""
    description: str | None = None
    """A short description of the Add-on's functionality."""
    pricing_type: str | None = None
    """How customers are charged for using this Add-on."""
    configuration_schema: Mapping[str, Any] | None = None
    """The JSON object with the configuration that must be provided when installing a given
    Add-on.
    """
    url: str | None = None
    """The absolute URL of the resource."""
    links: Mapping[str, str] | None = None
    """The URLs of related resources."""


@model
class AvailableAddOnExtension:
    """A product integration point (``XF…``) where an available Add-on can be invoked."""

    sid: str
    """The unique string that we created to identify the AvailableAddOnExtension resource."""
    available_add_on_sid: str | None = None
    """The SID of the AvailableAddOn resource to which this extension applies."""
    friendly_name: str | None = None
    """The string that you assigned to describe the resource."""
    product_name: str | None = None
    """The name of the Product this Extension is used within."""
    unique_name: str | None = None
    """An application-defined string that uniquely identifies the resource."""
    url: str | None = None
    """The absolute URL of the resource."""


@model
class InstalledAddOn:
    """An Add-on installed on the account (``XE…``) with its ``configuration``.

    ``links`` holds the absolute URLs of its ``extensions`` and ``available_add_on``.
    """

    sid: str
    """The unique string that we created to identify the InstalledAddOn resource. This Sid
    can also be found in the Console on that specific Add-ons page as the 'Available
    Add-on Sid'.
    """
    account_sid: str | None = None
    """The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the
    InstalledAddOn resource.
    """
    friendly_name: str | None = None
    """The string that you assigned to describe the resource."""
    description: str | None = None
    """A short description of the Add-on's functionality."""
    configuration: Mapping[str, Any] | None = None
    """The JSON object that represents the current configuration of installed Add-on."""
    unique_name: str | None = None
    """An application-defined string that uniquely identifies the resource."""
    date_created: datetime | None = None
    """The date and time in GMT when the resource was created specified in [ISO
    8601](https://en.wikipedia.org/wiki/ISO_8601) format.
    """
    date_updated: datetime | None = None
    """The date and time in GMT when the resource was last updated specified in [ISO
    8601](https://en.wikipedia.org/wiki/ISO_8601) format.
    """
    url: str | None = None
    """The absolute URL of the resource."""
    links: Mapping[str, str] | None = None
    """The URLs of related resources."""


@model
class InstalledAddOnExtension:
    """An extension of an installed Add-on; ``enabled`` says whether it is invoked."""

    sid: str
    """The unique string that we created to identify the InstalledAddOn Extension resource."""
    installed_add_on_sid: str | None = None
    """The SID of the InstalledAddOn resource to which this extension applies."""
    friendly_name: str | None = None
    """The string that you assigned to describe the resource."""
    product_name: str | None = None
    """The name of the Product this Extension is used within."""
    unique_name: str | None = None
    """An application-defined string that uniquely identifies the resource."""
    enabled: bool | None = None
    """Whether the Extension will be invoked."""
    url: str | None = None
    """The absolute URL of the resource."""


@model
class AssignedAddOn:
    """An installed Add-on assigned to one phone number (``resource_sid``, ``PN…``).

    Its ``sid`` is the installed Add-on's ``XE…`` SID. ``subresource_uris`` holds the
    relative URI of its ``extensions``.
    """

    sid: str
    """The unique string that that we created to identify the resource."""
    account_sid: str | None = None
    """The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the
    resource.
    """
    resource_sid: str | None = None
    """The SID of the Phone Number to which the Add-on is assigned."""
    friendly_name: str | None = None
    """The string that you assigned to describe the resource."""
    description: str | None = None
    """A short description of the functionality that the Add-on provides."""
    configuration: Mapping[str, Any] | None = None
    """A JSON string that represents the current configuration of this Add-on installation."""
    unique_name: str | None = None
    """An application-defined string that uniquely identifies the resource. It can be used in
    place of the resource's `sid` in the URL to address the resource.
    """
    date_created: datetime | None = None
    """The date and time in GMT that the resource was created specified in [RFC
    2822](https://www.ietf.org/rfc/rfc2822.txt) format.
    """
    date_updated: datetime | None = None
    """The date and time in GMT that the resource was last updated specified in [RFC
    2822](https://www.ietf.org/rfc/rfc2822.txt) format.
    """
    uri: str | None = None
    """The URI of the resource, relative to `https://api.twilio.com`."""
    subresource_uris: Mapping[str, str] | None = None
    """A list of related resources identified by their relative URIs."""


@model
class AssignedAddOnExtension:
    """An extension of an Add-on assigned to a phone number; ``enabled`` mirrors the
    installed Add-on's extension."""

    sid: str
    """The unique string that that we created to identify the resource."""
    account_sid: str | None = None
    """The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the
    resource.
    """
    resource_sid: str | None = None
    """The SID of the Phone Number to which the Add-on is assigned."""
    assigned_add_on_sid: str | None = None
    """The SID that uniquely identifies the assigned Add-on installation."""
    friendly_name: str | None = None
    """The string that you assigned to describe the resource."""
    product_name: str | None = None
    """A string that you assigned to describe the Product this Extension is used within."""
    unique_name: str | None = None
    """An application-defined string that uniquely identifies the resource. It can be used in
    place of the resource's `sid` in the URL to address the resource.
    """
    uri: str | None = None
    """The URI of the resource, relative to `https://api.twilio.com`."""
    enabled: bool | None = None
    """Whether the Extension will be invoked."""
