"""Orders: searchOrders (2026-01-01, items inline) and the deprecated v0 getOrders/getOrderItems."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sandbox.shopify.api import Response

from .context import Call, InvalidInputError, NotFoundError, World, decode_token, encode_token, marketplaces
from .data import OrderFact, RenderedOrder, render
from .wire import iso, json_response

# searchOrders fulfillment statuses for the v0 order statuses the sandbox produces.
FULFILLMENT_STATUS = {"Pending": "PENDING", "Unshipped": "UNSHIPPED", "Shipped": "SHIPPED", "Canceled": "CANCELLED"}
SERVICE_LEVEL = {"AFN": "Expedited", "MFN": "Std US D2D Dom"}
MIN_AGE = timedelta(minutes=2)  # "...Before" must be at least two minutes before the request


def _money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": str(amount), "currencyCode": currency}


def _v0_money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"CurrencyCode": currency, "Amount": str(amount)}


def _window(call: Call, world: World, after_name: str, before_name: str) -> tuple[datetime, datetime | None]:
    after, before = call.time(after_name), call.time(before_name)
    if after is None:
        raise InvalidInputError(f"{after_name} is required")
    latest = world.now() - MIN_AGE
    if after > latest:
        raise InvalidInputError(f"{after_name} must be at least two minutes before the time of the request")
    if before is not None and (before < after or before > latest):
        raise InvalidInputError(
            f"{before_name} must be after {after_name} and at least two minutes before the time of the request"
        )
    return after, before


def _select(world: World, state: dict[str, Any]) -> list[OrderFact]:
    after = datetime.fromisoformat(state["after"])
    before = datetime.fromisoformat(state["before"]) if state.get("before") else None
    found = (
        world.seller.updated_between(after, before)
        if state["by"] == "updated"
        else world.seller.created_between(after, before)
    )
    markets = set(state["markets"])
    statuses = set(state.get("statuses") or ())
    channels = set(state.get("channels") or ())
    return [
        o
        for o in found
        if o.marketplace_id in markets
        and (not statuses or o.status in statuses)
        and (not channels or o.channel in channels)
    ]


class OrdersAPI:
    def __init__(self, world: World) -> None:
        self.world = world

    # -- Orders 2026-01-01 ---------------------------------------------------------------

    def search_orders(self, call: Call) -> Response:
        token = call.one("paginationToken")
        if token:
            state = decode_token(token, "paginationToken")
        else:
            created, updated = call.one("createdAfter"), call.one("lastUpdatedAfter")
            if bool(created) == bool(updated):
                raise InvalidInputError("Exactly one of createdAfter and lastUpdatedAfter is required")
            if created and (call.one("lastUpdatedBefore")):
                raise InvalidInputError("lastUpdatedBefore may not be combined with createdAfter")
            if updated and call.one("createdBefore"):
                raise InvalidInputError("createdBefore may not be combined with lastUpdatedAfter")
            names = ("createdAfter", "createdBefore") if created else ("lastUpdatedAfter", "lastUpdatedBefore")
            after, before = _window(call, self.world, *names)
            ids = call.many("marketplaceIds") or [m.id for m in self.world.seller.marketplaces]
            markets = marketplaces(self.world, ids, "marketplaceIds")
            wanted = set(call.many("fulfillmentStatuses"))
            by_status = {v: k for k, v in FULFILLMENT_STATUS.items()}
            state = {
                "by": "created" if created else "updated",
                "after": after.isoformat(),
                "before": (before or self.world.now() - MIN_AGE).isoformat(),
                "markets": [m.id for m in markets],
                "statuses": [by_status[s] for s in wanted if s in by_status] if wanted else [],
                "channels": [{"AMAZON": "AFN", "MERCHANT": "MFN"}.get(f, f) for f in call.many("fulfilledBy")],
                "size": call.integer("maxResultsPerPage", 100, 1, 100),
                "included": sorted(set(call.many("includedData"))),
                "offset": 0,
            }
            if wanted and not state["statuses"]:
                state["statuses"] = ["none"]
        found = _select(self.world, state)
        offset, size = int(state["offset"]), int(state["size"])
        page = found[offset : offset + size]
        included = set(state["included"])
        body: dict[str, Any] = {"orders": [self.search_order(render(o), included, call.restricted) for o in page]}
        if body["orders"] and self.world.fault("unreadable_order_dates", operation=call.operation.name):
            first = body["orders"][0]  # its creation date in a form the API never uses (day/month/year)
            first["createdTime"] = datetime.fromisoformat(first["createdTime"]).strftime("%d/%m/%Y %H:%M")
        if offset + size < len(found):
            body["pagination"] = {"nextToken": encode_token(state | {"offset": offset + size})}
        key = "createdBefore" if state["by"] == "created" else "lastUpdatedBefore"
        body[key] = iso(datetime.fromisoformat(state["before"]))
        return json_response(200, body)

    def get_order(self, call: Call) -> Response:
        fact = self._fact(call.path_params[0])
        included = set(call.many("includedData"))
        return json_response(200, {"order": self.search_order(render(fact), included, call.restricted)})

    def search_order(self, order: RenderedOrder, included: set[str], restricted: bool) -> dict[str, Any]:
        fact, market = order.fact, order.marketplace
        cur = market.currency
        out: dict[str, Any] = {
            "orderId": fact.order_id,
            "orderAliases": [{"aliasId": fact.seller_order_id, "aliasType": "SELLER_ORDER_ID"}],
            "createdTime": iso(fact.purchased),
            "lastUpdatedTime": iso(fact.updated),
            "programs": ["AMAZON_BUSINESS"] if order.business else [],
            **(
                {
                    "associatedOrders": [
                        {"orderId": fact.replaced_order_id, "associationType": "REPLACEMENT_ORIGINAL_ID"}
                    ]
                }
                if fact.replaced_order_id
                else {}
            ),
            "salesChannel": (
                {"channelName": "NON_AMAZON", "marketplaceName": "Non-Amazon"}
                if "multi_channel" in fact.shapes
                else {"channelName": "AMAZON", "marketplaceId": market.id, "marketplaceName": market.name}
            ),
        }
        if "BUYER" in included and restricted:
            out["buyer"] = {"buyerName": order.buyer.name, "buyerEmail": order.buyer.email}
        if "RECIPIENT" in included:
            address: dict[str, Any] = {
                "city": order.buyer.city,
                "stateOrRegion": order.buyer.state,
                "postalCode": order.buyer.postal_code,
                "countryCode": order.buyer.country,
            }
            if restricted:
                address = {"name": order.buyer.name, "addressLine1": order.buyer.address_line} | address
                address["phone"] = order.buyer.phone
            out["recipient"] = {"deliveryAddress": address}
        if "PROCEEDS" in included and fact.status != "Pending" and "no_proceeds" not in fact.shapes:
            items = sum((li.principal - li.promotion for li in order.lines), Decimal("0.00"))
            shipping = sum((li.shipping - li.shipping_promotion for li in order.lines), Decimal("0.00"))
            tax = sum((li.tax + li.shipping_tax for li in order.lines), Decimal("0.00"))
            out["proceeds"] = {
                "grandTotal": _money(order.total, cur),
                "breakdowns": [
                    {"type": "ITEM", "subtotal": _money(items, cur)},
                    {"type": "SHIPPING", "subtotal": _money(shipping, cur)},
                    {"type": "TAX", "subtotal": _money(tax, cur)},
                ],
            }
        if "FULFILLMENT" in included:
            out["fulfillment"] = {
                "fulfillmentStatus": FULFILLMENT_STATUS[fact.status],
                "fulfilledBy": "AMAZON" if fact.channel == "AFN" else "MERCHANT",
                "fulfillmentServiceLevel": "EXPEDITED" if fact.channel == "AFN" else "STANDARD",
            }
        if "PACKAGES" in included and fact.shipped:
            out["packages"] = [
                {
                    "packageReferenceId": f"PKG-{fact.index}",
                    "createdTime": iso(fact.shipped),
                    "packageStatus": {"status": "SHIPPED"},
                    "carrier": "AMZN_US" if fact.channel == "AFN" else "UPS",
                    "shipTime": iso(fact.shipped),
                    "trackingNumber": f"TBA{fact.seed % 10**12:012d}",
                    "packageItems": [{"orderItemId": li.order_item_id, "quantity": li.quantity} for li in order.lines],
                }
            ]
        out["orderItems"] = [self._search_item(order, li, included) for li in order.lines]
        return out

    @staticmethod
    def _search_item(order: RenderedOrder, line: Any, included: set[str]) -> dict[str, Any]:
        cur = order.marketplace.currency
        item: dict[str, Any] = {
            "orderItemId": line.order_item_id,
            "quantityOrdered": line.quantity,
            "product": {
                "asin": line.item.asin,
                "title": line.item.title,
                "sellerSku": line.item.sku,
                "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
                "price": {"unitPrice": _money(line.unit_price, cur)}
                | ({"priceDesignation": line.price_designation} if line.price_designation else {}),
            },
        }
        if "PROCEEDS" in included and order.fact.status != "Pending" and "no_proceeds" not in order.fact.shapes:
            item["proceeds"] = {
                "proceedsTotal": _money(line.total, cur),
                "breakdowns": [
                    {"type": "ITEM", "subtotal": _money(line.principal - line.promotion, cur)},
                    {"type": "SHIPPING", "subtotal": _money(line.shipping - line.shipping_promotion, cur)},
                    {"type": "TAX", "subtotal": _money(line.tax + line.shipping_tax, cur)},
                ],
            }
        if "PROMOTION" in included and line.promotion_ids:
            item["promotion"] = {"breakdowns": [{"promotionId": p} for p in line.promotion_ids]}
        if "CANCELLATION" in included and order.fact.status == "Canceled":
            item["cancellation"] = {"cancellationRequest": {"requester": "BUYER", "cancelReason": "Changed mind"}}
        if "FULFILLMENT" in included:
            shipped = line.quantity if order.fact.status == "Shipped" else 0
            item["fulfillment"] = {"quantityFulfilled": shipped, "quantityUnfulfilled": line.quantity - shipped}
        return item

    # -- Orders v0 (deprecated) ------------------------------------------------------------

    def get_orders(self, call: Call) -> Response:
        token = call.one("NextToken")
        if token:
            state = decode_token(token, "NextToken")
        else:
            created, updated = call.one("CreatedAfter"), call.one("LastUpdatedAfter")
            if bool(created) == bool(updated):
                raise InvalidInputError("Exactly one of CreatedAfter and LastUpdatedAfter is required")
            names = ("CreatedAfter", "CreatedBefore") if created else ("LastUpdatedAfter", "LastUpdatedBefore")
            after, before = _window(call, self.world, *names)
            ids = call.many("MarketplaceIds")
            if not ids:
                raise InvalidInputError("MarketplaceIds is required")
            state = {
                "by": "created" if created else "updated",
                "after": after.isoformat(),
                "before": (before or self.world.now() - MIN_AGE).isoformat(),
                "markets": [m.id for m in marketplaces(self.world, ids, "MarketplaceIds")],
                "statuses": call.many("OrderStatuses"),
                "channels": call.many("FulfillmentChannels"),
                "size": call.integer("MaxResultsPerPage", 100, 1, 100),
                "offset": 0,
            }
        found = _select(self.world, state)
        offset, size = int(state["offset"]), int(state["size"])
        payload: dict[str, Any] = {
            "Orders": [self.v0_order(render(o), call.restricted) for o in found[offset : offset + size]]
        }
        if offset + size < len(found):
            payload["NextToken"] = encode_token(state | {"offset": offset + size})
        key = "CreatedBefore" if state["by"] == "created" else "LastUpdatedBefore"
        payload[key] = iso(datetime.fromisoformat(state["before"]))
        return json_response(200, {"payload": payload})

    def get_order_v0(self, call: Call) -> Response:
        return json_response(200, {"payload": self.v0_order(render(self._fact(call.path_params[0])), call.restricted)})

    def v0_order(self, order: RenderedOrder, restricted: bool) -> dict[str, Any]:
        fact, market = order.fact, order.marketplace
        shipped_units = sum(li.quantity for li in order.lines) if fact.status == "Shipped" else 0
        out: dict[str, Any] = {
            "AmazonOrderId": fact.order_id,
            "SellerOrderId": fact.seller_order_id,
            "PurchaseDate": iso(fact.purchased),
            "LastUpdateDate": iso(fact.updated),
            "OrderStatus": fact.status,
            "FulfillmentChannel": fact.channel,
            "SalesChannel": market.name,
            "ShipServiceLevel": SERVICE_LEVEL[fact.channel],
            "NumberOfItemsShipped": shipped_units,
            "NumberOfItemsUnshipped": 0
            if fact.status in ("Shipped", "Canceled")
            else sum(li.quantity for li in order.lines),
            "PaymentMethod": "Other",
            "PaymentMethodDetails": ["Standard"],
            "MarketplaceId": market.id,
            "ShipmentServiceLevelCategory": "Expedited" if fact.channel == "AFN" else "Standard",
            "OrderType": "StandardOrder",
            "EarliestShipDate": iso(fact.purchased + timedelta(hours=4)),
            "LatestShipDate": iso(fact.purchased + timedelta(days=2)),
            "IsBusinessOrder": order.business,
            "IsPrime": fact.channel == "AFN",
            "IsPremiumOrder": False,
            "IsGlobalExpressEnabled": False,
            "IsReplacementOrder": fact.replaced_order_id is not None,
            "IsSoldByAB": False,
            "IsISPU": False,
            "IsAccessPointOrder": False,
            "HasRegulatedItems": False,
            "ShippingAddress": {
                "City": order.buyer.city,
                "StateOrRegion": order.buyer.state,
                "PostalCode": order.buyer.postal_code,
                "CountryCode": order.buyer.country,
            },
            "BuyerInfo": {},
        }
        if fact.replaced_order_id:
            out["ReplacedOrderId"] = fact.replaced_order_id
        if fact.status != "Pending":  # Amazon shows no total until payment is authorised
            out["OrderTotal"] = _v0_money(order.total, market.currency)
        if restricted:
            out["ShippingAddress"] |= {
                "Name": order.buyer.name,
                "AddressLine1": order.buyer.address_line,
                "Phone": order.buyer.phone,
            }
            out["BuyerInfo"] = {"BuyerEmail": order.buyer.email, "BuyerName": order.buyer.name}
        return out

    def get_order_items(self, call: Call) -> Response:
        order = render(self._fact(call.path_params[0]))
        cur = order.marketplace.currency
        items = []
        for li in order.lines:
            item: dict[str, Any] = {
                "ASIN": li.item.asin,
                "SellerSKU": li.item.sku,
                "OrderItemId": li.order_item_id,
                "Title": li.item.title,
                "QuantityOrdered": li.quantity,
                "QuantityShipped": li.quantity if order.fact.status == "Shipped" else 0,
                "ProductInfo": {"NumberOfItems": "1"},
                "IsGift": "false",
                "ConditionId": "New",
                "ConditionSubtypeId": "New",
                "IsTransparency": False,
                **({"PriceDesignation": "BusinessPrice"} if li.price_designation else {}),
                "SerialNumberRequired": False,
            }
            if order.fact.status != "Pending":
                item |= {
                    "ItemPrice": _v0_money(li.principal, cur),
                    "ItemTax": _v0_money(li.tax, cur),
                    "ShippingPrice": _v0_money(li.shipping, cur),
                    "ShippingTax": _v0_money(li.shipping_tax, cur),
                    "ShippingDiscount": _v0_money(li.shipping_promotion, cur),
                    "ShippingDiscountTax": _v0_money(Decimal("0.00"), cur),
                    "PromotionDiscount": _v0_money(li.promotion, cur),
                    "PromotionDiscountTax": _v0_money(Decimal("0.00"), cur),
                    "PromotionIds": list(li.promotion_ids),
                }
            items.append(item)
        return json_response(200, {"payload": {"AmazonOrderId": order.fact.order_id, "OrderItems": items}})

    def _fact(self, order_id: str) -> OrderFact:
        fact = self.world.seller.by_id.get(order_id)
        if fact is None:
            raise NotFoundError(f"Order {order_id} not found")
        return fact
