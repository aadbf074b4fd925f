//! The department tree: which top-level department (division) a department belongs to, and
//! whether one department sits under another. One walk, bounded by the number of departments,
//! so a damaged parent link that makes a loop ends the walk instead of hanging it.

use crate::people::DepartmentId;
use std::collections::HashMap;

/// Departments and their parents, as stored.
#[derive(Clone, Debug, Default)]
pub struct DepartmentTree {
    parent: HashMap<DepartmentId, Option<DepartmentId>>,
}

impl DepartmentTree {
    /// From `(department, parent)` pairs.
    pub fn new(links: impl IntoIterator<Item = (DepartmentId, Option<DepartmentId>)>) -> Self {
        DepartmentTree {
            parent: links.into_iter().collect(),
        }
    }

    /// The department itself, then its parent, and so on up to the top; at most one step per
    /// department, so a loop in the parent links ends the walk.
    pub fn ancestry(&self, id: DepartmentId) -> impl Iterator<Item = DepartmentId> + '_ {
        let mut current = Some(id);
        let mut steps = 0;
        std::iter::from_fn(move || {
            if steps > self.parent.len() {
                return None;
            }
            steps += 1;
            let this = current?;
            current = self.parent.get(&this).copied().flatten();
            Some(this)
        })
    }

    /// The top-level department (division) above `id`; `id` itself when it has no parent or is
    /// not known.
    pub fn top_of(&self, id: DepartmentId) -> DepartmentId {
        self.ancestry(id).last().unwrap_or(id)
    }

    /// Whether `id` is `root` or sits somewhere below it.
    pub fn is_under(&self, id: DepartmentId, root: DepartmentId) -> bool {
        self.ancestry(id).any(|d| d == root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 1 and 5 are divisions; 2 under 1, 3 under 2, 4 under 1; 6 under 5.
    fn company() -> DepartmentTree {
        DepartmentTree::new([
            (1, None),
            (2, Some(1)),
            (3, Some(2)),
            (4, Some(1)),
            (5, None),
            (6, Some(5)),
        ])
    }

    #[test]
    fn every_department_finds_its_division() {
        let tree = company();
        let tops: Vec<_> = (1..=6).map(|d| tree.top_of(d)).collect();
        assert_eq!(tops, [1, 1, 1, 1, 5, 5]);
        assert_eq!(tree.top_of(99), 99, "an unknown department is its own top");
    }

    #[test]
    fn under_means_itself_or_below() {
        let tree = company();
        assert!(tree.is_under(3, 1) && tree.is_under(3, 2) && tree.is_under(3, 3));
        assert!(!tree.is_under(2, 3), "a parent is not under its child");
        assert!(!tree.is_under(6, 1), "another division");
    }

    #[test]
    fn a_loop_in_the_parent_links_ends_the_walk() {
        let tree = DepartmentTree::new([(1, Some(2)), (2, Some(1)), (3, Some(1))]);
        assert!(!tree.is_under(3, 9));
        let top = tree.top_of(3);
        assert!([1, 2].contains(&top));
    }

    proptest! {
        /// In any forest (each department's parent has a smaller id), the top is an ancestor
        /// with no parent, and every department is under its top and under each ancestor.
        #[test]
        fn the_top_is_the_last_ancestor(parents in prop::collection::vec(any::<Option<u8>>(), 1..60)) {
            let links: Vec<(i64, Option<i64>)> = parents
                .iter()
                .enumerate()
                .map(|(i, p)| (i as i64, p.filter(|_| i > 0).map(|p| p as i64 % i.max(1) as i64)))
                .collect();
            let tree = DepartmentTree::new(links.clone());
            for (id, _) in &links {
                let top = tree.top_of(*id);
                prop_assert!(links.iter().any(|(d, p)| *d == top && p.is_none()));
                prop_assert!(tree.is_under(*id, top));
                for ancestor in tree.ancestry(*id) {
                    prop_assert!(tree.is_under(*id, ancestor));
                }
            }
        }
    }
}
