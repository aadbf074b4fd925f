//! Launch planning: who a cycle reviews and who writes which review. Pure, so the rules are
//! property-tested here; the store reads the candidates, writes the plan and nothing else.
//!
//! - Participants: active people in the cycle's scope (everyone, a department and below, or
//!   hand-picked e-mails) hired before the cut-off, if there is one.
//! - Each participant's template: their division's own version, else the cycle's.
//! - Assignments: a self review by each participant; a manager review by their manager (as the
//!   reporting line is at launch); an upward review of each participant who is a manager, by
//!   each of their direct reports who is also a participant.

use super::{ParticipantScope, ReviewerType, VersionId};
use crate::org::DepartmentTree;
use crate::people::{DepartmentId, PersonId};
use crate::FieldError;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// A person as a launch sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaunchCandidate {
    pub person: PersonId,
    pub email: String,
    pub department: DepartmentId,
    pub manager: Option<PersonId>,
    /// `YYYY-MM-DD`.
    pub hire_date: String,
    pub active: bool,
}

/// What a cycle says about its launch.
#[derive(Clone, Debug, PartialEq)]
pub struct LaunchRules<'a> {
    pub scope: ParticipantScope,
    /// A department id (scope `Department`) or comma-separated e-mails (scope `People`).
    pub scope_value: &'a str,
    /// Only people hired before this date (`YYYY-MM-DD`) take part.
    pub hired_before: Option<&'a str>,
    pub reviewer_types: &'a [ReviewerType],
    pub template_version: VersionId,
    /// A division's own template version, by top-level department.
    pub division_versions: &'a BTreeMap<DepartmentId, VersionId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedParticipant {
    pub person: PersonId,
    /// The manager at launch: the reviewer of the manager review.
    pub manager: Option<PersonId>,
    pub department: DepartmentId,
    pub top_department: DepartmentId,
    pub template_version: VersionId,
}

/// One review to write: of `reviewee`, by `reviewer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlannedAssignment {
    pub reviewee: PersonId,
    pub reviewer: PersonId,
    pub kind: ReviewerType,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaunchPlan {
    /// In the order of the candidates.
    pub participants: Vec<PlannedParticipant>,
    pub assignments: Vec<PlannedAssignment>,
    /// Every template version a participant uses: frozen by the launch.
    pub versions: BTreeSet<VersionId>,
}

/// Plans a launch, or says why nobody would take part.
pub fn plan_launch(
    candidates: &[LaunchCandidate],
    departments: &DepartmentTree,
    rules: &LaunchRules,
) -> Result<LaunchPlan, FieldError> {
    let picked_emails: HashSet<&str> = rules
        .scope_value
        .split(',')
        .filter(|e| !e.is_empty())
        .collect();
    let scope_department = rules.scope_value.parse::<DepartmentId>().ok();
    let in_scope = |c: &LaunchCandidate| match rules.scope {
        ParticipantScope::All => true,
        ParticipantScope::Department => {
            scope_department.is_some_and(|d| departments.is_under(c.department, d))
        }
        ParticipantScope::People => picked_emails.contains(c.email.as_str()),
    };
    let hired_in_time = |c: &LaunchCandidate| {
        rules
            .hired_before
            .is_none_or(|cut| c.hire_date.as_str() < cut)
    };
    let chosen: Vec<&LaunchCandidate> = candidates
        .iter()
        .filter(|c| c.active && in_scope(c) && hired_in_time(c))
        .collect();
    if chosen.is_empty() {
        return Err(FieldError::new(
            "form",
            "Nobody matches this cycle's participants (check the department, the people listed and the hiring cut-off).",
        ));
    }
    let has = |kind: ReviewerType| rules.reviewer_types.contains(&kind);
    let mut versions = BTreeSet::new();
    let participants: Vec<PlannedParticipant> = chosen
        .iter()
        .map(|c| {
            let top_department = departments.top_of(c.department);
            let template_version = rules
                .division_versions
                .get(&top_department)
                .copied()
                .unwrap_or(rules.template_version);
            versions.insert(template_version);
            PlannedParticipant {
                person: c.person,
                manager: c.manager,
                department: c.department,
                top_department,
                template_version,
            }
        })
        .collect();
    let taking_part: HashSet<PersonId> = participants.iter().map(|p| p.person).collect();
    let mut assignments = Vec::new();
    for p in &participants {
        if has(ReviewerType::SelfReview) {
            assignments.push(PlannedAssignment {
                reviewee: p.person,
                reviewer: p.person,
                kind: ReviewerType::SelfReview,
            });
        }
        if let Some(manager) = p.manager {
            if has(ReviewerType::Manager) {
                assignments.push(PlannedAssignment {
                    reviewee: p.person,
                    reviewer: manager,
                    kind: ReviewerType::Manager,
                });
            }
            if has(ReviewerType::Upward) && taking_part.contains(&manager) {
                assignments.push(PlannedAssignment {
                    reviewee: manager,
                    reviewer: p.person,
                    kind: ReviewerType::Upward,
                });
            }
        }
    }
    Ok(LaunchPlan {
        participants,
        assignments,
        versions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tree() -> DepartmentTree {
        // 1 and 2 are divisions; 3 is under 1.
        DepartmentTree::new([(1, None), (2, None), (3, Some(1))])
    }

    fn candidate(
        person: PersonId,
        department: DepartmentId,
        manager: Option<PersonId>,
    ) -> LaunchCandidate {
        LaunchCandidate {
            person,
            email: format!("p{person}@x.example"),
            department,
            manager,
            hire_date: format!("2020-01-{:02}", person.clamp(1, 28)),
            active: true,
        }
    }

    fn rules<'a>(
        scope: ParticipantScope,
        scope_value: &'a str,
        types: &'a [ReviewerType],
        divisions: &'a BTreeMap<DepartmentId, VersionId>,
    ) -> LaunchRules<'a> {
        LaunchRules {
            scope,
            scope_value,
            hired_before: None,
            reviewer_types: types,
            template_version: 10,
            division_versions: divisions,
        }
    }

    use ReviewerType::*;

    #[test]
    fn a_small_team_gets_self_manager_and_upward_reviews() {
        // 1 manages 2 and 3; 4 is in another division without a manager.
        let people = [
            candidate(1, 1, None),
            candidate(2, 3, Some(1)),
            candidate(3, 3, Some(1)),
            candidate(4, 2, None),
        ];
        let divisions = BTreeMap::from([(2, 20)]);
        let all = [SelfReview, Manager, Upward];
        let plan = plan_launch(
            &people,
            &tree(),
            &rules(ParticipantScope::All, "", &all, &divisions),
        )
        .unwrap();
        let tops: Vec<_> = plan
            .participants
            .iter()
            .map(|p| (p.person, p.top_department, p.template_version))
            .collect();
        assert_eq!(tops, [(1, 1, 10), (2, 1, 10), (3, 1, 10), (4, 2, 20)]);
        assert_eq!(plan.versions, BTreeSet::from([10, 20]));
        let mut got: Vec<_> = plan
            .assignments
            .iter()
            .map(|a| (a.reviewee, a.reviewer, a.kind))
            .collect();
        got.sort_by_key(|(a, b, k)| (*a, *b, k.as_str()));
        assert_eq!(
            got,
            [
                (1, 1, SelfReview),
                (1, 2, Upward),
                (1, 3, Upward),
                (2, 1, Manager),
                (2, 2, SelfReview),
                (3, 1, Manager),
                (3, 3, SelfReview),
                (4, 4, SelfReview),
            ]
        );
    }

    #[test]
    fn scope_cut_off_and_status_choose_the_participants() {
        let mut people = vec![
            candidate(1, 1, None),
            candidate(2, 3, Some(1)),
            candidate(3, 2, None),
        ];
        people[2].active = false;
        let none = BTreeMap::new();
        let only_self = [SelfReview];
        let department = plan_launch(
            &people,
            &tree(),
            &rules(ParticipantScope::Department, "1", &only_self, &none),
        )
        .unwrap();
        assert_eq!(
            department
                .participants
                .iter()
                .map(|p| p.person)
                .collect::<Vec<_>>(),
            [1, 2]
        );
        let picked = plan_launch(
            &people,
            &tree(),
            &rules(ParticipantScope::People, "p2@x.example,", &only_self, &none),
        )
        .unwrap();
        assert_eq!(
            picked
                .participants
                .iter()
                .map(|p| p.person)
                .collect::<Vec<_>>(),
            [2]
        );
        let mut cut = rules(ParticipantScope::All, "", &only_self, &none);
        cut.hired_before = Some("2020-01-02");
        let early = plan_launch(&people, &tree(), &cut).unwrap();
        assert_eq!(
            early
                .participants
                .iter()
                .map(|p| p.person)
                .collect::<Vec<_>>(),
            [1]
        );
        let nobody = plan_launch(
            &people,
            &tree(),
            &rules(ParticipantScope::People, "", &only_self, &none),
        );
        assert_eq!(nobody.unwrap_err().field, "form");
    }

    fn arbitrary_company() -> impl Strategy<Value = Vec<LaunchCandidate>> {
        prop::collection::vec(
            (0..3i64, any::<Option<u8>>(), any::<bool>(), 1..28u8),
            1..40,
        )
        .prop_map(|rows| {
            rows.iter()
                .enumerate()
                .map(|(i, (department, manager, active, day))| LaunchCandidate {
                    person: i as i64 + 1,
                    email: format!("p{i}@x.example"),
                    department: department + 1,
                    // A manager is someone earlier in the list (the reporting line is a tree).
                    manager: manager
                        .filter(|_| i > 0)
                        .map(|m| (m as usize % i) as i64 + 1),
                    hire_date: format!("2020-01-{day:02}"),
                    active: *active,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn the_plan_follows_the_rules(
            people in arbitrary_company(),
            types in prop::sample::subsequence(vec![SelfReview, Manager, Peer, Upward], 0..=4),
            cut_day in prop::option::of(1..29u8),
        ) {
            let divisions = BTreeMap::from([(2, 20)]);
            let cut = cut_day.map(|d| format!("2020-01-{d:02}"));
            let mut r = rules(ParticipantScope::All, "", &types, &divisions);
            r.hired_before = cut.as_deref();
            let expected: Vec<PersonId> = people
                .iter()
                .filter(|c| c.active && cut.as_deref().is_none_or(|cut| c.hire_date.as_str() < cut))
                .map(|c| c.person)
                .collect();
            let Ok(plan) = plan_launch(&people, &tree(), &r) else {
                prop_assert!(expected.is_empty());
                return Ok(());
            };
            let chosen: Vec<PersonId> = plan.participants.iter().map(|p| p.person).collect();
            prop_assert_eq!(&chosen, &expected);
            let taking_part: HashSet<PersonId> = chosen.iter().copied().collect();
            let count = |reviewee: PersonId, kind: ReviewerType| {
                plan.assignments.iter().filter(|a| a.reviewee == reviewee && a.kind == kind).count()
            };
            for p in &plan.participants {
                prop_assert_eq!(count(p.person, SelfReview), usize::from(types.contains(&SelfReview)));
                prop_assert_eq!(
                    count(p.person, Manager),
                    usize::from(types.contains(&Manager) && p.manager.is_some())
                );
                let reports_taking_part = plan.participants.iter().filter(|r| r.manager == Some(p.person)).count();
                let upward = if types.contains(&Upward) { reports_taking_part } else { 0 };
                prop_assert_eq!(count(p.person, Upward), upward);
                prop_assert_eq!(p.template_version, if p.top_department == 2 { 20 } else { 10 });
            }
            for a in &plan.assignments {
                prop_assert!(a.kind != Peer, "peers are nominated, never planned");
                match a.kind {
                    Upward => prop_assert!(taking_part.contains(&a.reviewer) && taking_part.contains(&a.reviewee)),
                    _ => prop_assert!(taking_part.contains(&a.reviewee)),
                }
            }
            let distinct: BTreeSet<_> = plan.assignments.iter().collect();
            prop_assert_eq!(distinct.len(), plan.assignments.len(), "no review is planned twice");
        }
    }
}
