"""Access scopes: a token reads only what its app was granted, as on Shopify.

A query touching a root field whose scope the token lacks gets ACCESS_DENIED for that
field, worded as Shopify words it. A token granted `None` has every scope.
"""

from __future__ import annotations

from typing import Any

from graphql import DocumentNode, FieldNode, OperationDefinitionNode

# Root fields and the read scope each needs; fields not listed need none.
REQUIRED_SCOPES = {
    "orders": "read_orders",
    "order": "read_orders",
    "ordersCount": "read_orders",
    "refund": "read_orders",
    "fulfillment": "read_orders",
    "customers": "read_customers",
    "customer": "read_customers",
    "products": "read_products",
    "product": "read_products",
    "productVariants": "read_products",
    "inventoryItems": "read_inventory",
    "inventoryItem": "read_inventory",
    "inventoryLevel": "read_inventory",
    "locations": "read_locations",
    "location": "read_locations",
    "shopifyPaymentsAccount": "read_shopify_payments_payouts",
    "draftOrders": "read_draft_orders",
    "fulfillmentOrders": "read_merchant_managed_fulfillment_orders",
    "fulfillmentOrder": "read_merchant_managed_fulfillment_orders",
    "return": "read_returns",
}
APP_INSTALLATION_NUMBER = 7_700_001


def app_installation(granted: frozenset[str] | None) -> dict[str, Any]:
    """`currentAppInstallation`: the app behind the token, with the scopes it was granted."""
    scopes = sorted(set(REQUIRED_SCOPES.values()) if granted is None else granted)
    return {
        "__typename": "AppInstallation",
        "id": f"gid://shopify/AppInstallation/{APP_INSTALLATION_NUMBER}",
        "accessScopes": [{"__typename": "AccessScope", "handle": s, "description": ""} for s in scopes],
        "app": {
            "__typename": "App",
            "id": f"gid://shopify/App/{APP_INSTALLATION_NUMBER}",
            "title": "Stratus",
            "handle": "stratus",
            "isPostPurchaseAppInUse": False,
            "embedded": False,
        },
    }


def access_errors(document: DocumentNode, granted: frozenset[str] | None) -> list[dict[str, Any]]:
    """Shopify-shaped ACCESS_DENIED errors for each root field the token may not read."""
    if granted is None:
        return []
    errors = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode) or definition.operation.value != "query":
            continue
        for selection in definition.selection_set.selections:
            if not isinstance(selection, FieldNode):
                continue
            scope = REQUIRED_SCOPES.get(selection.name.value)
            if scope is None or scope in granted:
                continue
            name = selection.alias.value if selection.alias else selection.name.value
            loc = selection.loc.source.get_location(selection.loc.start) if selection.loc else None
            field = selection.name.value
            errors.append(
                {
                    "message": f"Access denied for {field} field. Required access: `{scope}` access scope.",
                    **({"locations": [{"line": loc.line, "column": loc.column}]} if loc else {}),
                    "path": [name],
                    "extensions": {"code": "ACCESS_DENIED", "requiredAccess": f"`{scope}` access scope."},
                }
            )
    return errors
