//! Headcount by department: direct counts rolled up the department tree.

use crate::people::{Department, DepartmentId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One bar of the headcount chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headcount {
    pub department_id: DepartmentId,
    pub name: String,
    pub people: i64,
}

/// Counts for each top-level department, including everyone in its sub-departments, largest
/// first. `direct` holds (department, people whose department it is). Departments in a cycle or
/// with an unknown parent count as top-level; counts for unknown departments are ignored.
pub fn by_top_level_department(
    departments: &[Department],
    direct: &[(DepartmentId, i64)],
) -> Vec<Headcount> {
    let parent: HashMap<DepartmentId, Option<DepartmentId>> =
        departments.iter().map(|d| (d.id, d.parent_id)).collect();
    let top_of = |mut id: DepartmentId| -> DepartmentId {
        // Bounded walk: a malformed tree with a cycle cannot loop forever.
        for _ in 0..departments.len() {
            match parent.get(&id).copied().flatten() {
                Some(p) if parent.contains_key(&p) => id = p,
                _ => break,
            }
        }
        id
    };
    let mut totals: HashMap<DepartmentId, i64> = HashMap::new();
    for &(dept, people) in direct {
        if parent.contains_key(&dept) {
            *totals.entry(top_of(dept)).or_default() += people;
        }
    }
    let mut out: Vec<Headcount> = departments
        .iter()
        .filter_map(|d| {
            totals.get(&d.id).map(|&people| Headcount {
                department_id: d.id,
                name: d.name.clone(),
                people,
            })
        })
        .collect();
    out.sort_by(|a, b| b.people.cmp(&a.people).then(a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(id: i64, name: &str, parent: Option<i64>) -> Department {
        Department {
            id,
            name: name.into(),
            parent_id: parent,
        }
    }

    #[test]
    fn sub_department_counts_roll_up_to_their_division() {
        let departments = [
            d(1, "Engineering", None),
            d(2, "Platform", Some(1)),
            d(3, "Storage", Some(2)),
            d(4, "Sales", None),
        ];
        let result = by_top_level_department(&departments, &[(1, 1), (2, 3), (3, 8), (4, 5)]);
        assert_eq!(
            result,
            vec![
                Headcount {
                    department_id: 1,
                    name: "Engineering".into(),
                    people: 12
                },
                Headcount {
                    department_id: 4,
                    name: "Sales".into(),
                    people: 5
                },
            ]
        );
    }

    #[test]
    fn a_cycle_in_the_tree_does_not_hang() {
        let departments = [d(1, "A", Some(2)), d(2, "B", Some(1))];
        let total: i64 = by_top_level_department(&departments, &[(1, 2), (2, 3)])
            .iter()
            .map(|h| h.people)
            .sum();
        assert_eq!(total, 5);
    }

    proptest! {
        #[test]
        fn nobody_is_lost_or_counted_twice(
            parents in proptest::collection::vec(proptest::option::of(0i64..15), 1..15),
            counts in proptest::collection::vec(0i64..1000, 15),
        ) {
            let departments: Vec<Department> = parents.iter().enumerate()
                .map(|(i, p)| d(i as i64, &format!("D{i}"), *p)).collect();
            let direct: Vec<(i64, i64)> =
                (0..departments.len()).map(|i| (i as i64, counts[i])).collect();
            let rolled = by_top_level_department(&departments, &direct);
            let expected: i64 = direct.iter().map(|(_, c)| c).sum();
            prop_assert_eq!(rolled.iter().map(|h| h.people).sum::<i64>(), expected);
        }
    }
}
