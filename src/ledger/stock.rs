//! Goods and stock: adding, updating, repricing and retiring items, donations
//! in (restock), single adjustments and whole stock counts. Stock never goes
//! below zero nor above [`STOCK_MAX`].
//!
//! Each operation's input is parsed here from the page's shape (the
//! `…Input` types, camelCase as JS sends them), so the binding only forwards.

use super::{
    entry_id, misrouted, Acting, BasketLine, Draft, Ledger, Operation, Planned, ITEMS_MAX,
    RESTOCK_LINES_MAX, STOCK_MAX, STOCK_MOVE_MAX,
};
use super::{parse_amount, parse_request, parse_sku, text, NAME_LENGTH_MAX, REASON_LENGTH_MAX};
use crate::entry::{Barcode, Body, EntryId, ImageRef, ItemDetails, SourceType, StockLine};
use crate::error::Error;
use crate::ids::RequestId;
use crate::ids::Sku;
use crate::points::Points;
use serde::Deserialize;

/// An item's unit (袋, 瓶, kg …), in characters.
pub const UNIT_LENGTH_MAX: usize = 8;
/// An item's category, in characters.
pub const CATEGORY_LENGTH_MAX: usize = 16;

impl Ledger {
    /// Plans an item or stock operation.
    pub(super) fn plan_stock(
        &self,
        acting: &Acting,
        operation: Operation,
    ) -> Result<Planned, Error> {
        Ok(match operation {
            Operation::AddItem {
                sku,
                details,
                price,
                request,
            } => {
                if self.state.items.contains_key(&sku) {
                    return Err(Error::AlreadyExists {
                        what: "item",
                        key: sku.to_string(),
                    });
                }
                self.check_limit("items", self.state.items.len(), ITEMS_MAX)?;
                self.check_barcode(&sku, &details)?;
                self.check_price(price)?;
                let body = Body::ItemAdded {
                    sku,
                    details,
                    price,
                };
                acting.one(entry_id(&request), body)
            }
            Operation::UpdateItem {
                sku,
                details,
                request,
            } => {
                self.known_item(&sku)?;
                self.check_barcode(&sku, &details)?;
                let body = Body::ItemUpdated { sku, details };
                acting.one(entry_id(&request), body)
            }
            Operation::Reprice {
                sku,
                price,
                request,
            } => {
                self.known_item(&sku)?;
                self.check_price(price)?;
                let body = Body::ItemRepriced { sku, price };
                acting.one(entry_id(&request), body)
            }
            Operation::SetItemActive {
                sku,
                active,
                request,
            } => {
                self.known_item(&sku)?;
                let body = if active {
                    Body::ItemReactivated { sku }
                } else {
                    Body::ItemDeactivated { sku }
                };
                acting.one(entry_id(&request), body)
            }
            Operation::Restock {
                donor,
                source_type,
                lines,
                declared_value,
                request,
            } => {
                let lines = self.stock_lines(&lines)?;
                let body = Body::Restocked {
                    donor,
                    source_type,
                    lines,
                    declared_value,
                };
                acting.one(entry_id(&request), body)
            }
            Operation::AdjustStock {
                sku,
                delta,
                reason,
                request,
            } => {
                let item = self.known_item(&sku)?;
                if !(1..=STOCK_MOVE_MAX as u64).contains(&delta.unsigned_abs()) {
                    return Err(Error::BadQuantity {
                        sku: sku.to_string(),
                        quantity: delta,
                    });
                }
                if item.stock + delta < 0 {
                    return Err(Error::OutOfStock {
                        sku: sku.to_string(),
                        needed: delta.saturating_neg(),
                        available: item.stock,
                    });
                }
                if item.stock + delta > STOCK_MAX {
                    return Err(Error::LimitReached {
                        what: "stock",
                        limit: STOCK_MAX,
                    });
                }
                let body = Body::StockAdjusted { sku, delta, reason };
                acting.one(entry_id(&request), body)
            }
            Operation::StockCount {
                counts,
                reason,
                request,
            } => {
                if counts.is_empty() || counts.len() > ITEMS_MAX {
                    return Err(Error::TooManyLines {
                        lines_max: ITEMS_MAX,
                    });
                }
                let mut drafts = Vec::new();
                for (index, (sku, counted)) in counts.into_iter().enumerate() {
                    let item = self.known_item(&sku)?;
                    if !(0..=STOCK_MAX).contains(&counted) {
                        return Err(Error::BadQuantity {
                            sku: sku.to_string(),
                            quantity: counted,
                        });
                    }
                    if drafts.iter().any(|d: &Draft| matches!(&d.body, Body::StockAdjusted { sku: s, .. } if *s == sku)) {
                        return Err(Error::BadQuantity { sku: sku.to_string(), quantity: counted });
                    }
                    let delta = counted - item.stock;
                    if delta != 0 {
                        let id = EntryId::derived(&format!("{}/{index}", request.as_str()));
                        let body = Body::StockAdjusted {
                            sku,
                            delta,
                            reason: reason.clone(),
                        };
                        drafts.push(Draft {
                            actor: acting.actor.clone(),
                            id,
                            body,
                        });
                    }
                }
                // The first entry carries the request id, so a repeat is seen.
                match drafts.first_mut() {
                    Some(first) => {
                        first.id = entry_id(&request);
                        Planned::entries(drafts)
                    }
                    None => Planned::nothing(),
                }
            }
            _ => return Err(misrouted("stock")),
        })
    }

    fn stock_lines(&self, lines: &[BasketLine]) -> Result<Vec<StockLine>, Error> {
        if lines.is_empty() {
            return Err(Error::EmptyBasket);
        }
        if lines.len() > RESTOCK_LINES_MAX {
            return Err(Error::TooManyLines {
                lines_max: RESTOCK_LINES_MAX,
            });
        }
        let mut checked: Vec<StockLine> = Vec::with_capacity(lines.len());
        for line in lines {
            let sku = Sku::new(&line.sku).map_err(|_| Error::UnknownItem {
                sku: line.sku.clone(),
            })?;
            let item = self.known_item(&sku)?;
            if !(1..=STOCK_MOVE_MAX).contains(&line.quantity)
                || checked.iter().any(|l| l.sku == sku)
            {
                return Err(Error::BadQuantity {
                    sku: sku.to_string(),
                    quantity: line.quantity,
                });
            }
            if item.stock + line.quantity > STOCK_MAX {
                return Err(Error::LimitReached {
                    what: "stock",
                    limit: STOCK_MAX,
                });
            }
            checked.push(StockLine {
                sku,
                quantity: line.quantity as u32,
            });
        }
        Ok(checked)
    }

    fn known_item(&self, sku: &Sku) -> Result<&crate::state::Item, Error> {
        self.state.item(sku).ok_or_else(|| Error::UnknownItem {
            sku: sku.to_string(),
        })
    }

    fn check_price(&self, price: Points) -> Result<(), Error> {
        if price.is_negative() || price == Points::ZERO {
            return Err(Error::invalid_with(
                "price",
                "价格必须大于 0",
                "the price must be more than 0",
            ));
        }
        Ok(())
    }

    fn check_barcode(&self, sku: &Sku, details: &ItemDetails) -> Result<(), Error> {
        if let Some(barcode) = &details.barcode {
            if let Some(owner) = self.state.barcodes.get(barcode.as_str()) {
                if owner != sku {
                    return Err(Error::AlreadyExists {
                        what: "barcode",
                        key: barcode.as_str().to_string(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// An item as the page sends it to `addItem` and `updateItem`: `{ sku,
/// nameZh, nameEn, unit, category, price, barcode, image, lowStock,
/// requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemInput {
    sku: String,
    name_zh: String,
    name_en: Option<String>,
    unit: String,
    category: String,
    price: Option<String>,
    barcode: Option<String>,
    image: Option<String>,
    request_id: String,
    /// The low-stock threshold; none: the default.
    low_stock: Option<u32>,
}

impl ItemInput {
    /// A new item, at its price.
    pub fn add(self) -> Result<Operation, Error> {
        let price = parse_amount("price", self.price.as_deref().unwrap_or(""))?;
        let (sku, details, request) = self.details()?;
        Ok(Operation::AddItem {
            sku,
            details,
            price,
            request,
        })
    }

    /// An item's new description; its price is left as it is.
    pub fn update(self) -> Result<Operation, Error> {
        let (sku, details, request) = self.details()?;
        Ok(Operation::UpdateItem {
            sku,
            details,
            request,
        })
    }

    fn details(self) -> Result<(Sku, ItemDetails, RequestId), Error> {
        let barcode = self
            .barcode
            .filter(|b| !b.trim().is_empty())
            .map(|b| {
                Barcode::new(&b).ok_or_else(|| {
                    Error::invalid_with(
                        "barcode",
                        "条码只能是 6 到 32 位数字或字母",
                        "a barcode is 6 to 32 letters or digits",
                    )
                })
            })
            .transpose()?;
        let image = self
            .image
            .filter(|i| !i.is_empty())
            .map(|i| {
                ImageRef::new(&i).ok_or_else(|| {
                    Error::invalid_with(
                        "image",
                        "图片不对或太大",
                        "the picture is not accepted or too large",
                    )
                })
            })
            .transpose()?;
        let name_zh = text("nameZh", &self.name_zh, NAME_LENGTH_MAX)?;
        let name_en = self
            .name_en
            .filter(|v| !v.trim().is_empty())
            .map(|v| text("nameEn", &v, NAME_LENGTH_MAX))
            .transpose()?;
        let details = ItemDetails {
            name_zh,
            name_en,
            unit: text("unit", &self.unit, UNIT_LENGTH_MAX)?,
            category: text("category", &self.category, CATEGORY_LENGTH_MAX)?,
            barcode,
            image,
            low_stock: match self.low_stock {
                Some(threshold) if threshold > crate::reports::LOW_STOCK_MAX => {
                    return Err(Error::invalid_with(
                        "lowStock",
                        "补货线最多 10000",
                        "a low-stock threshold is at most 10000",
                    ))
                }
                threshold => threshold,
            },
        };
        Ok((
            parse_sku(&self.sku)?,
            details,
            parse_request(&self.request_id)?,
        ))
    }
}

/// A new price, as the page sends it to `reprice`: `{ sku, price,
/// requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RepriceInput {
    sku: String,
    price: String,
    request_id: String,
}

impl RepriceInput {
    pub fn operation(self) -> Result<Operation, Error> {
        Ok(Operation::Reprice {
            sku: parse_sku(&self.sku)?,
            price: parse_amount("price", &self.price)?,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// An item retired or brought back, as the page sends it to
/// `setItemActive`: `{ sku, active, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActiveInput {
    sku: String,
    active: bool,
    request_id: String,
}

impl ActiveInput {
    pub fn operation(self) -> Result<Operation, Error> {
        Ok(Operation::SetItemActive {
            sku: parse_sku(&self.sku)?,
            active: self.active,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// Goods in from a donation, as the page sends them to `restock`: `{ donor,
/// sourceType, lines: [{ sku, qty }], declaredValue, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RestockInput {
    donor: String,
    source_type: String,
    lines: Vec<BasketLine>,
    declared_value: Option<String>,
    request_id: String,
}

impl RestockInput {
    pub fn operation(self) -> Result<Operation, Error> {
        let source_type = SourceType::parse(&self.source_type).ok_or_else(|| {
            Error::invalid_with("sourceType", "来源类型不对", "unknown source type")
        })?;
        let declared_value = self
            .declared_value
            .filter(|v| !v.trim().is_empty())
            .map(|v| parse_amount("declaredValue", &v))
            .transpose()?;
        Ok(Operation::Restock {
            donor: text("donor", &self.donor, NAME_LENGTH_MAX)?,
            source_type,
            lines: self.lines,
            declared_value,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// One item's stock corrected, as the page sends it to `adjustStock`: `{
/// sku, delta, reason, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdjustInput {
    sku: String,
    delta: i64,
    reason: String,
    request_id: String,
}

impl AdjustInput {
    pub fn operation(self) -> Result<Operation, Error> {
        Ok(Operation::AdjustStock {
            sku: parse_sku(&self.sku)?,
            delta: self.delta,
            reason: text("reason", &self.reason, REASON_LENGTH_MAX)?,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// One counted item of a stock count.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CountLine {
    sku: String,
    counted: i64,
}

/// A stock count, as the page sends it to `stockCount`: `{ counts: [{ sku,
/// counted }], reason, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountInput {
    counts: Vec<CountLine>,
    reason: String,
    request_id: String,
}

impl CountInput {
    pub fn operation(self) -> Result<Operation, Error> {
        let counts = self
            .counts
            .into_iter()
            .map(|line| Ok((parse_sku(&line.sku)?, line.counted)))
            .collect::<Result<_, Error>>()?;
        Ok(Operation::StockCount {
            counts,
            reason: text("reason", &self.reason, REASON_LENGTH_MAX)?,
            request: parse_request(&self.request_id)?,
        })
    }
}
