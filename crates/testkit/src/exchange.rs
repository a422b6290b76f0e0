//! Exchange keys for a test mechanism's members, and lists sealed with
//! them: exchange tests need both sides' secrets to check what a list
//! opens to, which no node holds.

use truce_exchange::{seal_list, ExchangeSecret, ListContents};
use truce_model::{ExchangeKeyPublished, ExchangeListSubmitted, ListDirection};
use truce_record::Body;

/// One exchange secret per member, by place.
pub struct ExchangeKeys {
    secrets: Vec<ExchangeSecret>,
}

impl ExchangeKeys {
    /// Fresh secrets for the members at places `0..members`.
    pub fn new(members: usize) -> Self {
        Self {
            secrets: (0..members).map(|_| ExchangeSecret::generate()).collect(),
        }
    }

    pub fn secret(&self, place: usize) -> &ExchangeSecret {
        &self.secrets[place]
    }

    /// The statement by which the member at `place` publishes its key.
    pub fn published(&self, place: usize) -> Body {
        Body::ExchangeKeyPublished(ExchangeKeyPublished {
            key: self.secrets[place].public(),
        })
    }

    /// The list `csv` as the member at `from` submits it (reference
    /// `REF-1`, validated as of 2026), sealed to the members at `to`.
    pub fn sealed(
        &self,
        from: usize,
        csv: &str,
        direction: ListDirection,
        to: &[usize],
    ) -> ExchangeListSubmitted {
        let contents = ListContents::from_csv(csv).expect("a valid list");
        let recipients: Vec<_> = to.iter().map(|i| self.secrets[*i].public()).collect();
        seal_list(
            &contents,
            "REF-1",
            direction,
            &self.secrets[from],
            &recipients,
            2026,
        )
        .expect("a list that seals")
    }
}
