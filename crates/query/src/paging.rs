//! Pages of a listing: every listing is paged, so no answer grows with the
//! Record.

use serde::{Deserialize, Serialize};

use crate::QueryError;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1_000;

/// Which page: at most `limit` items after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    limit: usize,
    offset: usize,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

impl Paging {
    /// `limit` 1 to [`MAX_LIMIT`] (default [`DEFAULT_LIMIT`]).
    pub fn new(limit: Option<usize>, offset: Option<usize>) -> Result<Self, QueryError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(QueryError::invalid(
                "limit",
                format!("must be 1 to {MAX_LIMIT}, got {limit}"),
            ));
        }
        Ok(Paging {
            limit,
            offset: offset.unwrap_or(0),
        })
    }

    /// Everything from `offset` on: for a reader of its own copy, whose
    /// answer does not cross a network.
    pub fn all_from(offset: usize) -> Self {
        Paging {
            limit: usize::MAX,
            offset,
        }
    }

    pub fn limit(self) -> usize {
        self.limit
    }

    pub fn offset(self) -> usize {
        self.offset
    }

    /// Takes this page out of every matching item, building views only
    /// for the page.
    pub fn page<I, U>(self, matching: Vec<I>, build: impl FnMut(I) -> U) -> Page<U> {
        let total = matching.len();
        let items: Vec<U> = matching
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(build)
            .collect();
        self.of(total, items)
    }

    /// As [`Paging::page`], the views built on all cores: for a page that
    /// may hold tens of thousands of items (the CLI asks for all).
    pub fn page_on_all_cores<I: Send, U: Send>(
        self,
        matching: Vec<I>,
        build: impl Fn(I) -> U + Sync + Send,
    ) -> Page<U> {
        use rayon::prelude::*;
        let total = matching.len();
        let items: Vec<U> = matching
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .collect::<Vec<I>>()
            .into_par_iter()
            .map(build)
            .collect();
        self.of(total, items)
    }

    /// This page, holding `items` (already taken from `offset`) out of
    /// `total`: for a source that reads only the page it shows.
    pub fn of<U>(self, total: usize, items: Vec<U>) -> Page<U> {
        let end = self.offset.saturating_add(items.len());
        Page {
            total,
            offset: self.offset,
            limit: self.limit,
            next_offset: (end < total).then_some(end),
            items,
        }
    }
}

/// One page of a listing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// Items matching the filters, on all pages.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    /// The offset of the next page, if there is one.
    pub next_offset: Option<usize>,
    pub items: Vec<T>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_names_the_next_one_until_the_last() {
        let paging = Paging::new(Some(2), Some(1)).unwrap();
        let page = paging.page((0..5).collect(), |i| i * 10);
        assert_eq!(page.items, vec![10, 20]);
        assert_eq!((page.total, page.next_offset), (5, Some(3)));
        let last = Paging::new(Some(2), Some(3))
            .unwrap()
            .page((0..5).collect(), |i| i);
        assert_eq!((last.items, last.next_offset), (vec![3, 4], None));
    }

    #[test]
    fn limits_outside_the_range_are_refused_by_name() {
        for limit in [0, MAX_LIMIT + 1] {
            let error = Paging::new(Some(limit), None).unwrap_err();
            assert!(matches!(error, QueryError::Invalid { field: "limit", .. }));
        }
        assert_eq!(Paging::new(None, None).unwrap().limit(), DEFAULT_LIMIT);
    }

    #[test]
    fn an_offset_past_the_end_gives_an_empty_last_page() {
        let page = Paging::new(None, Some(usize::MAX))
            .unwrap()
            .page(vec![1, 2], |i| i);
        assert!(page.items.is_empty());
        assert_eq!(page.next_offset, None);
    }
}
