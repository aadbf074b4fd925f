//! Unit and property tests of the goal rules.

use super::*;
use proptest::prelude::*;

fn form(title: &str) -> GoalForm {
    GoalForm {
        title: title.into(),
        level: "individual".into(),
        period_id: "1".into(),
        ..Default::default()
    }
}

fn kr(title: &str, start: &str, target: &str) -> KeyResultForm {
    KeyResultForm {
        title: title.into(),
        start: start.into(),
        target: target.into(),
        ..Default::default()
    }
}

fn field(errors: &[FieldError], name: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == name)
        .map(|e| e.message.clone())
}

#[test]
fn key_result_progress_runs_both_ways_and_clamps() {
    assert_eq!(key_result_progress(0.0, 200.0, 50.0), 25.0);
    assert_eq!(key_result_progress(40.0, 20.0, 30.0), 50.0);
    assert_eq!(key_result_progress(0.0, 10.0, 15.0), 100.0);
    assert_eq!(key_result_progress(0.0, 10.0, -5.0), 0.0);
    assert_eq!(key_result_progress(5.0, 5.0, 5.0), 0.0);
}

#[test]
fn weighted_progress_weighs_and_treats_all_zero_weights_as_equal() {
    assert_eq!(weighted_progress(&[(1, 100.0), (3, 0.0)]), 25.0);
    assert_eq!(weighted_progress(&[(0, 100.0), (0, 0.0)]), 50.0);
    assert_eq!(weighted_progress(&[(2, 40.0), (0, 100.0)]), 40.0);
    assert_eq!(weighted_progress(&[]), 0.0);
}

#[test]
fn roll_up_on_a_fixed_tree_matches_the_hand_computed_value() {
    // Company goal rolls up from two department goals (weights 1 and 3). The first is
    // manual at 40 %; the second rolls up from two individual goals with key results
    // 100 % and 0 % (weights 1, 1) -> 50 %. Company: (1*40 + 3*50) / 4 = 47.5.
    let leaf = |p: f64| ProgressTree {
        weight: 1,
        mode: ProgressMode::Manual,
        key_results: vec![(1, p)],
        children: vec![],
    };
    let tree = ProgressTree {
        weight: 1,
        mode: ProgressMode::RolledUp,
        key_results: vec![(1, 90.0)],
        children: vec![
            leaf(40.0),
            ProgressTree {
                weight: 3,
                mode: ProgressMode::RolledUp,
                key_results: vec![],
                children: vec![leaf(100.0), leaf(0.0)],
            },
        ],
    };
    assert!((tree_progress(&tree) - 47.5).abs() < 1e-9);
    // A manual parent ignores its children.
    let manual = ProgressTree {
        mode: ProgressMode::Manual,
        ..tree
    };
    assert!((tree_progress(&manual) - 90.0).abs() < 1e-9);
}

#[test]
fn private_goals_count_only_towards_a_private_parent_of_their_owner() {
    use Visibility::{Private, Public};
    assert!(counts_towards_parent(Public, Public, false, true));
    assert!(counts_towards_parent(Public, Private, false, true));
    assert!(
        !counts_towards_parent(Private, Public, true, true),
        "the parent has more readers"
    );
    assert!(
        !counts_towards_parent(Private, Private, false, true),
        "another owner's readers"
    );
    assert!(counts_towards_parent(Private, Private, true, true));
}

#[test]
fn a_goal_nobody_has_agreed_yet_counts_towards_nothing() {
    use Visibility::{Private, Public};
    for (child, parent, same_owner) in [
        (Public, Public, false),
        (Public, Private, true),
        (Private, Private, true),
    ] {
        assert!(!counts_towards_parent(child, parent, same_owner, false));
    }
}

fn line() -> OwnerLine {
    OwnerLine {
        owner: 10,
        manager: Some(5),
        departments: vec![7, 3, 1],
    }
}

fn parent(level: GoalLevel, owner: i64, department: Option<i64>) -> ParentFacts {
    ParentFacts {
        level,
        owner,
        department,
    }
}

#[test]
fn alignment_stays_within_the_owners_own_line() {
    let line = line();
    assert!(in_line(&parent(GoalLevel::Company, 99, None), &line));
    // Their department and the ones above it; not a sibling department.
    assert!(in_line(&parent(GoalLevel::Department, 99, Some(7)), &line));
    assert!(in_line(&parent(GoalLevel::Department, 99, Some(1)), &line));
    assert!(!in_line(&parent(GoalLevel::Department, 99, Some(8)), &line));
    assert!(!in_line(&parent(GoalLevel::Department, 99, None), &line));
    // Their own team goals and their manager's; not another manager's.
    assert!(in_line(&parent(GoalLevel::Team, 10, Some(7)), &line));
    assert!(in_line(&parent(GoalLevel::Team, 5, Some(7)), &line));
    assert!(!in_line(&parent(GoalLevel::Team, 6, Some(7)), &line));
    // Only their own individual goals.
    assert!(in_line(&parent(GoalLevel::Individual, 10, None), &line));
    assert!(!in_line(&parent(GoalLevel::Individual, 11, None), &line));
}

proptest! {
    /// Nobody outside the owner, their manager and their departments is ever a way in, whatever
    /// the level.
    #[test]
    fn a_stranger_s_goal_below_company_level_is_never_in_line(
        level in 1usize..4,
        stranger in 100i64..1000,
        department in 100i64..1000,
    ) {
        let level = [GoalLevel::Company, GoalLevel::Department, GoalLevel::Team, GoalLevel::Individual][level];
        prop_assert!(!in_line(&parent(level, stranger, Some(department)), &line()));
    }
}

#[test]
fn a_rolled_up_goal_without_aligned_goals_uses_its_key_results() {
    assert_eq!(
        goal_progress(ProgressMode::RolledUp, &[(1, 30.0)], &[]),
        30.0
    );
}

#[test]
fn health_compares_progress_with_the_even_pace() {
    use GoalStatus::Active;
    assert_eq!(health(Active, 45.0, 50.0, None), Health::OnTrack);
    assert_eq!(health(Active, 30.0, 50.0, None), Health::Behind);
    assert_eq!(health(Active, 10.0, 50.0, None), Health::AtRisk);
    assert_eq!(
        health(Active, 100.0, 50.0, Some(Confidence::OffTrack)),
        Health::Done
    );
    assert_eq!(
        health(GoalStatus::Cancelled, 10.0, 90.0, None),
        Health::Closed
    );
    assert_eq!(
        health(GoalStatus::Completed, 10.0, 90.0, None),
        Health::Done
    );
}

#[test]
fn confidence_only_makes_health_worse() {
    use GoalStatus::Active;
    assert_eq!(
        health(Active, 80.0, 50.0, Some(Confidence::AtRisk)),
        Health::Behind
    );
    assert_eq!(
        health(Active, 80.0, 50.0, Some(Confidence::OffTrack)),
        Health::AtRisk
    );
    assert_eq!(
        health(Active, 10.0, 50.0, Some(Confidence::OnTrack)),
        Health::AtRisk
    );
}

#[test]
fn expected_progress_follows_the_calendar() {
    assert_eq!(expected_progress(100, 200, 150), 50.0);
    assert_eq!(expected_progress(100, 200, 50), 0.0);
    assert_eq!(expected_progress(100, 200, 250), 100.0);
    assert_eq!(expected_progress(100, 100, 100), 100.0);
}

#[test]
fn stale_after_the_configured_days_without_a_check_in_while_the_period_runs() {
    use GoalStatus::Active;
    assert!(!is_stale(Active, 100, 113, 14, 90, 200));
    assert!(is_stale(Active, 100, 114, 14, 90, 200));
    // Counted from the period's start for goals created before it.
    assert!(!is_stale(Active, 10, 100, 14, 90, 200));
    // Not while the period has ended, nor for closed goals.
    assert!(!is_stale(Active, 100, 300, 14, 90, 200));
    assert!(!is_stale(GoalStatus::Completed, 100, 150, 14, 90, 200));
}

#[test]
fn a_goal_cannot_align_under_itself_or_its_descendants() {
    // 1 <- 2 <- 3 (3's parent is 2, 2's parent is 1).
    let parents = |id| match id {
        3 => Some(2),
        2 => Some(1),
        _ => None,
    };
    assert!(would_create_cycle(1, 3, parents));
    assert!(would_create_cycle(2, 2, parents));
    assert!(!would_create_cycle(3, 1, parents));
    assert!(!would_create_cycle(4, 3, parents));
}

#[test]
fn an_existing_loop_or_an_absurd_chain_is_refused_without_spinning() {
    // 7 -> 8 -> 7 is a loop Keel never writes; a new goal must not align under it.
    let looped = |g: GoalId| match g {
        7 => Some(8),
        8 => Some(7),
        _ => None,
    };
    assert!(would_create_cycle(100, 7, looped));
    // A chain longer than MAX_ALIGNMENT_DEPTH above the new parent.
    let long = |g: GoalId| (g < 1_000).then_some(g + 1);
    assert!(would_create_cycle(5_000, 1, long));
    let short = |g: GoalId| (g < 10).then_some(g + 1);
    assert!(!would_create_cycle(5_000, 1, short));
}

#[test]
fn levels_align_to_the_same_or_a_higher_level() {
    assert!(GoalLevel::Individual.may_align_under(GoalLevel::Company));
    assert!(GoalLevel::Team.may_align_under(GoalLevel::Team));
    assert!(!GoalLevel::Department.may_align_under(GoalLevel::Team));
}

#[test]
fn a_valid_goal_parses_with_defaults() {
    let input = GoalInput::parse(
        &form(" Ship the app "),
        &[kr("Users", "0", "1,000"), KeyResultForm::default()],
    )
    .expect("valid");
    assert_eq!(input.title, "Ship the app");
    assert_eq!(input.visibility, Visibility::Public);
    assert_eq!(input.weight, 1);
    assert_eq!(input.key_results.len(), 1);
    assert_eq!(input.key_results[0].target, 1000.0);
    assert_eq!(input.key_results[0].direction, Direction::Increase);
}

#[test]
fn bad_goal_input_is_refused_at_each_field() {
    let mut f = form("  ");
    f.weight = "-2".into();
    let errors = GoalInput::parse(&f, &[kr("Users", "5", "5")]).unwrap_err();
    assert_eq!(field(&errors, "title").unwrap(), "Give the goal a title.");
    assert_eq!(
        field(&errors, "weight").unwrap(),
        "Use a weight from 1 to 100."
    );
    assert_eq!(
        field(&errors, "key_results[0][target]").unwrap(),
        "The target must differ from the start."
    );
    let mut decrease = kr("Churn", "5", "8");
    decrease.direction = "decrease".into();
    let errors = GoalInput::parse(&form("G"), &[KeyResultForm::default(), decrease]).unwrap_err();
    assert!(field(&errors, "key_results[1][target]")
        .unwrap()
        .contains("below the start"));
    let mut percent = kr("Pct", "0", "140");
    percent.kind = "percent".into();
    let errors = GoalInput::parse(&form("G"), &[percent]).unwrap_err();
    assert!(field(&errors, "key_results[0][target]").is_some());
    let mut neg = kr("Users", "0", "10");
    neg.weight = "-1".into();
    let errors = GoalInput::parse(&form("G"), &[neg]).unwrap_err();
    assert_eq!(
        field(&errors, "key_results[0][weight]").unwrap(),
        "Weight cannot be negative."
    );
}

#[test]
fn a_manual_goal_needs_a_key_result() {
    let errors = GoalInput::parse(&form("G"), &[]).unwrap_err();
    assert!(field(&errors, "key_results[0][title]").is_some());
    let mut rolled = form("G");
    rolled.progress_mode = "rolled_up".into();
    assert!(GoalInput::parse(&rolled, &[]).is_ok());
}

#[test]
fn check_in_values_must_match_the_kind() {
    assert_eq!(
        parse_check_in_value(KeyResultKind::Milestone, "done"),
        Ok(1.0)
    );
    assert!(parse_check_in_value(KeyResultKind::Milestone, "12").is_err());
    assert!(parse_check_in_value(KeyResultKind::Number, "lots").is_err());
    assert!(parse_check_in_value(KeyResultKind::Percent, "120").is_err());
    assert_eq!(
        parse_check_in_value(KeyResultKind::Currency, "1,250.5"),
        Ok(1250.5)
    );
    assert!(parse_check_in_value(KeyResultKind::Number, "NaN").is_err());
    assert!(parse_check_in_value(KeyResultKind::Number, "inf").is_err());
}

#[test]
fn periods_must_end_after_they_start() {
    let errors = parse_period("Q1", "quarter", "2027-03-31", "2027-01-01").unwrap_err();
    assert_eq!(
        field(&errors, "ends_on").unwrap(),
        "The period must end after it starts."
    );
    assert!(parse_period("Q1 2027", "quarter", "2027-01-01", "2027-03-31").is_ok());
    assert!(
        parse_period("", "weekly", "x", "2027-01-01")
            .unwrap_err()
            .len()
            == 3
    );
}

#[test]
fn numbers_are_formatted_for_people() {
    assert_eq!(format_number(3.0), "3");
    assert_eq!(format_number(2.5), "2.5");
    assert_eq!(format_number(1.0 / 3.0), "0.33");
}

fn arb_tree() -> impl Strategy<Value = ProgressTree> {
    let leaf = (
        0i64..5,
        proptest::collection::vec((0i64..5, -50.0f64..150.0), 0..4),
    )
        .prop_map(|(weight, key_results)| ProgressTree {
            weight,
            mode: ProgressMode::Manual,
            key_results,
            children: vec![],
        });
    leaf.prop_recursive(4, 40, 5, |inner| {
        (
            0i64..5,
            any::<bool>(),
            proptest::collection::vec((0i64..5, -50.0f64..150.0), 0..3),
            proptest::collection::vec(inner, 0..5),
        )
            .prop_map(|(weight, rolled, key_results, children)| ProgressTree {
                weight,
                mode: if rolled {
                    ProgressMode::RolledUp
                } else {
                    ProgressMode::Manual
                },
                key_results,
                children,
            })
    })
}

proptest! {
    #[test]
    fn roll_up_progress_is_always_between_0_and_100(tree in arb_tree()) {
        let p = tree_progress(&tree);
        prop_assert!((0.0..=100.0).contains(&p), "{p}");
    }

    #[test]
    fn roll_up_of_equal_children_is_their_common_progress(p in 0.0f64..100.0, n in 1usize..6, w in 1i64..5) {
        let child = ProgressTree { weight: w, mode: ProgressMode::Manual, key_results: vec![(1, p)], children: vec![] };
        let tree = ProgressTree { weight: 1, mode: ProgressMode::RolledUp, key_results: vec![], children: vec![child; n] };
        prop_assert!((tree_progress(&tree) - p).abs() < 1e-9);
    }

    #[test]
    fn alignment_never_makes_a_cycle(moves in proptest::collection::vec((0i64..30, 0i64..30), 0..200)) {
        // Start from 30 unaligned goals and try random re-alignments; apply only those
        // the rule allows; the result must stay a forest (every walk up ends).
        let mut parent: std::collections::HashMap<i64, i64> = Default::default();
        for (goal, new_parent) in moves {
            if !would_create_cycle(goal, new_parent, |g| parent.get(&g).copied()) {
                parent.insert(goal, new_parent);
            }
        }
        for start in 0..30 {
            let mut seen = std::collections::HashSet::new();
            let mut current = Some(start);
            while let Some(g) = current {
                prop_assert!(seen.insert(g), "cycle through {g}");
                current = parent.get(&g).copied();
            }
        }
    }

    #[test]
    fn health_never_improves_with_a_worse_confidence(progress in 0.0f64..100.0, expected in 0.0f64..100.0) {
        let rank = |h: Health| match h { Health::Done | Health::Closed => 0, Health::OnTrack => 1, Health::Behind => 2, Health::AtRisk => 3 };
        let none = health(GoalStatus::Active, progress, expected, None);
        let risk = health(GoalStatus::Active, progress, expected, Some(Confidence::AtRisk));
        let off = health(GoalStatus::Active, progress, expected, Some(Confidence::OffTrack));
        prop_assert!(rank(risk) >= rank(none));
        prop_assert!(rank(off) >= rank(risk));
    }

    #[test]
    fn key_result_progress_is_a_percentage(start in -1e6f64..1e6, target in -1e6f64..1e6, current in -1e7f64..1e7) {
        let p = key_result_progress(start, target, current);
        prop_assert!((0.0..=100.0).contains(&p));
    }
}

#[test]
fn a_goal_weighs_from_1_to_100_towards_its_parent() {
    let with_weight = |weight: &str| GoalForm {
        weight: weight.into(),
        ..form("Ship it")
    };
    for ok in ["", "1", "100", " 7 "] {
        let parsed = GoalInput::parse(&with_weight(ok), &[kr("Users", "0", "5")]);
        assert!(parsed.is_ok(), "{ok:?}: {parsed:?}");
    }
    for refused in ["0", "101", "1000", "-1", "2.5", "heavy"] {
        let errors = GoalInput::parse(&with_weight(refused), &[kr("Users", "0", "5")]).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.field == "weight" && e.message.contains("100")),
            "{refused:?}: {errors:?}"
        );
    }
}

#[test]
fn the_goal_setting_session_locks_what_was_agreed() {
    use PlanState::*;
    let individual = GoalLevel::Individual;
    // Adding and editing: while a draft or with changes requested, not while with the manager
    // or approved; other levels have no session.
    for plan in [None, Some(Draft), Some(ChangesRequested)] {
        assert!(adding_locked_reason(individual, plan).is_none());
        assert!(locked_reason(individual, plan).is_none());
    }
    for plan in [Submitted, Approved] {
        assert!(adding_locked_reason(individual, Some(plan)).is_some());
        assert!(locked_reason(individual, Some(plan)).is_some());
        assert!(locked_reason(GoalLevel::Team, Some(plan)).is_none());
    }
    // Status: nothing while submitted; once approved, completing is fine, cancelling is not.
    assert!(status_locked_reason(individual, Some(Submitted), GoalStatus::Completed).is_some());
    assert!(status_locked_reason(individual, Some(Approved), GoalStatus::Completed).is_none());
    assert!(status_locked_reason(individual, Some(Approved), GoalStatus::Cancelled).is_some());
    // Check-ins: active goals of an approved session (or of no session) only.
    assert!(check_in_refusal(GoalStatus::Active, Some(Approved)).is_none());
    assert!(check_in_refusal(GoalStatus::Active, None).is_none());
    assert!(check_in_refusal(GoalStatus::Active, Some(Draft)).is_some());
    assert!(check_in_refusal(GoalStatus::Completed, Some(Approved)).is_some());
}
