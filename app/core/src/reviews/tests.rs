//! Unit tests of the review rules.

use super::*;

#[test]
fn the_overall_scale_is_the_named_one_else_the_first_and_never_invented() {
    let scale = |id: ScaleId| RatingScale {
        id,
        name: format!("scale {id}"),
        points: vec![],
    };
    let mut definition = TemplateDefinition::default();
    assert_eq!(definition.overall_scale(&[]), None);
    assert_eq!(
        definition
            .overall_scale(&[scale(4), scale(7)])
            .map(|s| s.id),
        Some(4)
    );
    definition.overall_scale_id = Some(7);
    assert_eq!(
        definition
            .overall_scale(&[scale(4), scale(7)])
            .map(|s| s.id),
        Some(7)
    );
}

fn scale(id: ScaleId, n: i64) -> RatingScale {
    RatingScale {
        id,
        name: format!("1-{n}"),
        points: (1..=n)
            .map(|v| ScalePoint {
                value: v,
                label: format!("P{v}"),
                description: String::new(),
            })
            .collect(),
    }
}

fn template() -> TemplateDefinition {
    let mut def = TemplateDefinition {
        overall_scale_id: Some(1),
        ..Default::default()
    };
    let s1 = def.add_section("Results");
    let q1 = def
        .add_question(&s1, QuestionKind::Rating, "Delivery")
        .unwrap();
    def.question_mut(&q1).unwrap().weight = 3;
    let q2 = def
        .add_question(&s1, QuestionKind::Text, "Highlights")
        .unwrap();
    def.question_mut(&q2).unwrap().required = false;
    let s2 = def.add_section("Behaviours");
    let q3 = def
        .add_question(&s2, QuestionKind::Rating, "Teamwork")
        .unwrap();
    let q = def.question_mut(&q3).unwrap();
    q.weight = 1;
    q.scale_id = Some(2);
    q.required = false;
    def
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn overall_score_weighs_each_answer_by_its_place_on_its_own_scale() {
    let def = template();
    let scales = [scale(1, 5), scale(2, 3)];
    // Delivery 4 of 1-5 = 0.75 (weight 3); Teamwork 3 of 1-3 = 1.0 (weight 1).
    // (3 * 0.75 + 1 * 1.0) / 4 = 0.8125 -> 1 + 0.8125 * 4 = 4.25.
    let score = overall_score(&def, &scales, &answers(&[("q2", "4"), ("q5", "3")]));
    assert_eq!(score, Some(4.25));
}

#[test]
fn a_missing_optional_answer_leaves_the_other_weights_to_share_the_whole() {
    let def = template();
    let scales = [scale(1, 5), scale(2, 3)];
    assert_eq!(
        overall_score(&def, &scales, &answers(&[("q2", "4")])),
        Some(4.0)
    );
    assert_eq!(
        overall_score(&def, &scales, &answers(&[("q3", "text")])),
        None
    );
}

#[test]
fn zero_weight_questions_do_not_count() {
    let mut def = template();
    def.question_mut("q5").unwrap().weight = 0;
    let scales = [scale(1, 5), scale(2, 3)];
    assert_eq!(
        overall_score(&def, &scales, &answers(&[("q2", "2"), ("q5", "3")])),
        Some(2.0)
    );
}

#[test]
fn a_template_without_questions_is_refused() {
    let mut def = TemplateDefinition::default();
    def.add_section("Empty");
    let problems = template_problems(&def, &[scale(1, 5)]);
    assert!(problems.iter().any(|p| p.field == "template"));
    assert!(problems.iter().any(|p| p.field == "sections[s1]"));
}

#[test]
fn a_rating_question_without_a_scale_is_refused_at_the_question() {
    let mut def = template();
    def.question_mut("q5").unwrap().scale_id = None;
    let problems = template_problems(&def, &[scale(1, 5), scale(2, 3)]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "questions[q5]");
    assert!(problems[0].message.contains("rating scale"));
}

#[test]
fn weights_must_sum_as_declared() {
    let mut def = template();
    def.weights_total = Some(100);
    let problems = template_problems(&def, &[scale(1, 5), scale(2, 3)]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "weights_total");
    assert!(problems[0].message.contains("add up to 4"));
    def.weights_total = Some(4);
    assert!(template_problems(&def, &[scale(1, 5), scale(2, 3)]).is_empty());
}

#[test]
fn competencies_describe_every_level() {
    let mut def = template();
    let s = def.sections[1].key.clone();
    let q = def
        .add_question(&s, QuestionKind::Competency, "Ownership")
        .unwrap();
    {
        let q = def.question_mut(&q).unwrap();
        q.competency = "Ownership".into();
        q.descriptors = vec!["a".into(), "b".into()];
    }
    let problems = template_problems(&def, &[scale(1, 5), scale(2, 3)]);
    assert!(problems[0].message.contains("5 levels"), "{problems:?}");
}

#[test]
fn questions_move_within_and_across_sections_and_keys_survive() {
    let mut def = template();
    assert!(def.shift("q3", -1));
    assert_eq!(def.sections[0].questions[0].key, "q3");
    assert!(
        !def.shift("q3", -1),
        "the first question of the first section stays"
    );
    assert!(
        def.shift("q2", 1),
        "the last question of a section moves to the next"
    );
    assert_eq!(def.sections[1].questions[0].key, "q2");
    assert!(def.shift("s4", -1));
    assert_eq!(def.sections[0].key, "s4");
    assert!(def.remove("q2"));
    assert_eq!(def.question_count(), 2);
    let fresh = def.add_question("s1", QuestionKind::Text, "New").unwrap();
    assert_eq!(
        fresh, "q6",
        "keys are never reused, so old answers never attach to new questions"
    );
}

#[test]
fn answers_are_checked_against_the_version_and_the_reviewer() {
    let mut def = template();
    def.question_mut("q3").unwrap().reviewers = vec![ReviewerType::Manager];
    def.question_mut("q3").unwrap().min_length = 10;
    let scales = [scale(1, 5), scale(2, 3)];
    let foreign = check_answers(
        &def,
        &scales,
        ReviewerType::Peer,
        &answers(&[("q99", "1")]),
        Completeness::Draft,
    );
    assert_eq!(foreign.unwrap_err()[0].field, "form");
    let not_mine = check_answers(
        &def,
        &scales,
        ReviewerType::Peer,
        &answers(&[("q3", "hi")]),
        Completeness::Draft,
    );
    assert!(
        not_mine.is_err(),
        "peers do not answer the manager's question"
    );
    let outside = check_answers(
        &def,
        &scales,
        ReviewerType::Peer,
        &answers(&[("q2", "6")]),
        Completeness::Draft,
    );
    assert_eq!(
        outside.unwrap_err()[0].message,
        "Choose a rating from 1 to 5."
    );
    let draft = check_answers(
        &def,
        &scales,
        ReviewerType::Peer,
        &answers(&[("q5", "2")]),
        Completeness::Draft,
    );
    assert!(draft.is_ok(), "drafts may leave required questions open");
    let submit = check_answers(
        &def,
        &scales,
        ReviewerType::Peer,
        &answers(&[("q5", "2"), ("q2", " ")]),
        Completeness::Submit,
    );
    let errors = submit.unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "answers[q2]");
    let short = check_answers(
        &def,
        &scales,
        ReviewerType::Manager,
        &answers(&[("q2", "3"), ("q3", "short")]),
        Completeness::Submit,
    );
    assert!(short.unwrap_err()[0].message.contains("at least 10"));
}

fn stored(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn anonymous_answers_need_the_threshold_of_reviewers_and_of_answers_per_question() {
    let def = template();
    let scales = [scale(1, 5), scale(2, 3)];
    let answers = stored(&[
        ("q2", "4"),
        ("q2", "2"),
        ("q2", "3"),
        ("q3", "Always helpful"),
    ]);
    match anonymous_view(&def, &scales, ReviewerType::Peer, 5, 4, &answers) {
        AnonymousView::Withheld { reason } => {
            assert!(reason.contains("Fewer than 5 peer"), "{reason}");
            assert!(
                !reason.contains('4'),
                "no count below the threshold: {reason}"
            );
        }
        other => panic!("four of five peers must be withheld, got {other:?}"),
    }
    match anonymous_view(&def, &scales, ReviewerType::Peer, 3, 3, &answers) {
        AnonymousView::Shown {
            reviewers,
            questions,
            ..
        } => {
            assert_eq!(reviewers, 3);
            assert_eq!(
                questions[0].1,
                Aggregate::Ratings {
                    counts: vec![
                        ("P1".into(), 0),
                        ("P2".into(), 1),
                        ("P3".into(), 1),
                        ("P4".into(), 1),
                        ("P5".into(), 0)
                    ],
                    mean: Some(3.0)
                }
            );
            // One of three wrote a text: shown, it would be theirs alone.
            assert_eq!(questions[1].1, Aggregate::TooFewAnswers);
        }
        other => panic!("three peers are shown, got {other:?}"),
    }
}

#[test]
fn texts_are_sorted_so_order_reveals_nothing() {
    let def = template();
    let scales = [scale(1, 5), scale(2, 3)];
    let answers = stored(&[("q3", "b"), ("q3", "c"), ("q3", "a")]);
    let AnonymousView::Shown { questions, .. } =
        anonymous_view(&def, &scales, ReviewerType::Peer, 3, 3, &answers)
    else {
        panic!("shown")
    };
    assert_eq!(
        questions[1].1,
        Aggregate::Texts(vec!["a".into(), "b".into(), "c".into()])
    );
}

#[test]
fn scales_are_read_one_point_per_line() {
    let (name, points) = parse_scale(" Five ", "Poor: misses\nOK\n\nGreat").unwrap();
    assert_eq!(name, "Five");
    assert_eq!(points.len(), 3);
    assert_eq!(points[0].description, "misses");
    assert_eq!(points[2].value, 3);
    assert_eq!(parse_scale("", "One").unwrap_err().len(), 2);
}

#[test]
fn cycle_dates_follow_the_phases() {
    let mut form = CycleForm {
        name: "H1".into(),
        starts_on: "2026-01-01".into(),
        ends_on: "2026-06-30".into(),
        template_id: "1".into(),
        reviewer_types: vec!["self".into(), "manager".into(), "peer".into()],
        nomination_due: "2026-07-10".into(),
        writing_due: "2026-07-05".into(),
        calibration_due: "2026-07-20".into(),
        release_due: "2026-07-30".into(),
        ..Default::default()
    };
    let errors = parse_cycle(&form).unwrap_err();
    assert_eq!(errors[0].field, "cycle[writing_due]");
    form.writing_due = "2026-07-15".into();
    form.target_distribution = "1=10\n2=80".into();
    assert!(parse_cycle(&form).unwrap_err()[0].message.contains("90"));
    form.target_distribution = "1=10\n2=90".into();
    let input = parse_cycle(&form).unwrap();
    assert_eq!((input.peer_min, input.anonymity_threshold), (5, 5));
    assert_eq!(input.reviewer_types.len(), 3);
}

#[test]
fn anonymous_peers_are_asked_for_at_least_the_threshold() {
    let mut form = CycleForm {
        name: "H1".into(),
        starts_on: "2026-01-01".into(),
        ends_on: "2026-06-30".into(),
        template_id: "1".into(),
        reviewer_types: vec!["peer".into()],
        anonymous: Some("on".into()),
        peer_min: "3".into(),
        peer_max: "4".into(),
        nomination_due: "2026-07-10".into(),
        writing_due: "2026-07-15".into(),
        calibration_due: "2026-07-20".into(),
        release_due: "2026-07-30".into(),
        ..Default::default()
    };
    let errors = parse_cycle(&form).unwrap_err();
    assert_eq!(errors[0].field, "cycle[peer_min]");
    assert!(
        errors[0].message.contains("at least 5 peers"),
        "{}",
        errors[0].message
    );
    form.anonymity_threshold = "2".into();
    assert_eq!(
        parse_cycle(&form).unwrap_err()[0].field,
        "cycle[anonymity_threshold]"
    );
    form.anonymity_threshold = "3".into();
    assert_eq!(parse_cycle(&form).unwrap().anonymity_threshold, 3);
    form.anonymous = None;
    form.anonymity_threshold = String::new();
    assert_eq!(
        parse_cycle(&form).unwrap().peer_min,
        3,
        "named peers: any minimum"
    );
}

#[test]
fn cycles_skip_nomination_without_peers() {
    assert_eq!(CycleState::Draft.next(false), Some(CycleState::Writing));
    assert_eq!(CycleState::Draft.next(true), Some(CycleState::Nomination));
    assert_eq!(CycleState::Closed.next(true), None);
}
