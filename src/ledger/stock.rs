//! Goods and stock: adding, updating, repricing and retiring items, donations
//! in (restock), single adjustments and whole stock counts. Stock never goes
//! below zero nor above [`STOCK_MAX`].

use super::{
    entry_id, misrouted, Acting, BasketLine, Draft, Ledger, Operation, Planned, ITEMS_MAX,
    RESTOCK_LINES_MAX, STOCK_MAX, STOCK_MOVE_MAX,
};
use crate::entry::{Body, EntryId, ItemDetails, StockLine};
use crate::error::Error;
use crate::ids::Sku;
use crate::points::Points;

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
