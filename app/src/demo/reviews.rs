//! The demo company's reviews: a five-point scale, a performance-review template, one cycle of
//! the last half-year that ran to the end (calibrated, released, acknowledged, signed off,
//! closed) and one of the current half in its writing phase, with answers that read like real
//! ones. Deterministic from the seed, like the rest of the demo.

use super::org::{DemoOrg, Rng};
use keel_core::calendar::date_from_days;
use keel_core::reviews::{
    overall_score, Answers, AssignmentState, CycleState, QuestionKind, RatingScale, ReviewerType,
    ScalePoint, TemplateDefinition,
};

/// Orgs larger than this get only the open cycle (benchmarks seed 100,000 people).
pub const COMPLETED_CYCLE_LIMIT: usize = 20_000;

pub struct DemoCycle {
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Index into the demo goal periods.
    pub goal_period: usize,
    pub state: CycleState,
    pub nomination_due: String,
    pub writing_due: String,
    pub calibration_due: String,
    pub release_due: String,
    pub launched_at: i64,
    pub closed_at: Option<i64>,
}

pub struct DemoParticipant {
    /// Index into `DemoReviews::cycles`.
    pub cycle: usize,
    pub person: usize,
    pub proposed: Option<f64>,
    pub final_rating: Option<i64>,
    pub released_at: Option<i64>,
    pub comment: Option<String>,
    pub acknowledged_at: Option<i64>,
    pub signed_off_at: Option<i64>,
}

pub struct DemoAssignment {
    /// Index into `DemoReviews::participants`.
    pub participant: usize,
    pub reviewer: usize,
    pub kind: ReviewerType,
    pub state: AssignmentState,
    pub answers: Answers,
    pub saved_at: Option<i64>,
    pub submitted_at: Option<i64>,
}

/// A calibration change in the completed cycle.
pub struct DemoRatingChange {
    pub participant: usize,
    pub before: f64,
    pub after: i64,
    pub justification: String,
    pub at: i64,
}

pub struct DemoReviews {
    pub scale: RatingScale,
    pub template: TemplateDefinition,
    pub cycles: Vec<DemoCycle>,
    pub participants: Vec<DemoParticipant>,
    pub assignments: Vec<DemoAssignment>,
    pub changes: Vec<DemoRatingChange>,
}

pub fn five_point_scale() -> RatingScale {
    let points = [
        (
            "Well below expectations",
            "Results and behaviours fell clearly short; needs a plan.",
        ),
        (
            "Below expectations",
            "Some results met; important gaps remain.",
        ),
        (
            "Meets expectations",
            "Solid, reliable results; what the role asks for.",
        ),
        (
            "Exceeds expectations",
            "Results beyond the role; raises the bar for others.",
        ),
        (
            "Exceptional",
            "Rare, outstanding impact well beyond the role.",
        ),
    ];
    RatingScale {
        id: 1,
        name: "Five-point performance".into(),
        points: points
            .iter()
            .enumerate()
            .map(|(i, (label, description))| ScalePoint {
                value: i as i64 + 1,
                label: label.to_string(),
                description: description.to_string(),
            })
            .collect(),
    }
}

/// The demo template. Keys are fixed: s1 q2 q3 | s4 q5 q6 q7 q8 | s9 q10 q11.
pub fn performance_template() -> TemplateDefinition {
    use ReviewerType::*;
    let mut def = TemplateDefinition {
        overall_scale_id: Some(1),
        weights_total: Some(100),
        ..Default::default()
    };
    let results = def.add_section("Results");
    let goals = def
        .add_question(
            &results,
            QuestionKind::Goals,
            "How well were this period's goals achieved?",
        )
        .unwrap_or_default();
    let wins = def
        .add_question(
            &results,
            QuestionKind::Text,
            "What were the most important results, and what made them possible?",
        )
        .unwrap_or_default();
    let how = def.add_section("How they work");
    let collaboration = def
        .add_question(&how, QuestionKind::Competency, "Collaboration")
        .unwrap_or_default();
    let communication = def
        .add_question(
            &how,
            QuestionKind::Rating,
            "How clearly and openly do they communicate?",
        )
        .unwrap_or_default();
    let keep = def
        .add_question(&how, QuestionKind::Text, "What should they keep doing?")
        .unwrap_or_default();
    let change = def
        .add_question(&how, QuestionKind::Text, "What could they do differently?")
        .unwrap_or_default();
    let ahead = def.add_section("Looking ahead");
    let ready = def
        .add_question(
            &ahead,
            QuestionKind::Choice,
            "Ready for more responsibility?",
        )
        .unwrap_or_default();
    let focus = def
        .add_question(
            &ahead,
            QuestionKind::Text,
            "What should the next period's development focus on?",
        )
        .unwrap_or_default();
    let set = |def: &mut TemplateDefinition,
               key: &str,
               reviewers: &[ReviewerType],
               weight: u32,
               required: bool| {
        if let Some(q) = def.question_mut(key) {
            q.reviewers = reviewers.to_vec();
            q.weight = weight;
            q.required = required;
        }
    };
    set(&mut def, &goals, &[SelfReview, Manager], 50, true);
    set(&mut def, &wins, &[SelfReview, Manager, Peer], 0, true);
    set(
        &mut def,
        &collaboration,
        &[SelfReview, Manager, Peer, Upward],
        30,
        true,
    );
    set(
        &mut def,
        &communication,
        &[SelfReview, Manager, Peer, Upward],
        20,
        true,
    );
    set(&mut def, &keep, &[Manager, Peer, Upward], 0, true);
    set(&mut def, &change, &[Manager, Peer, Upward], 0, false);
    set(&mut def, &ready, &[Manager], 0, true);
    set(&mut def, &focus, &[SelfReview, Manager], 0, false);
    if let Some(q) = def.question_mut(&collaboration) {
        q.competency = "Collaboration".into();
        q.descriptors = vec![
            "Works alone; others learn of changes late.".into(),
            "Helps when asked; shares work reluctantly.".into(),
            "Shares context and helps teammates reach shared goals.".into(),
            "Pulls people together across teams; unblocks others.".into(),
            "Shapes how the whole organisation works together.".into(),
        ];
        q.help = "Think of concrete moments from the review period.".into();
    }
    if let Some(q) = def.question_mut(&ready) {
        q.options = vec!["Ready now".into(), "Within a year".into(), "Not yet".into()];
    }
    if let Some(q) = def.question_mut(&wins) {
        q.min_length = 20;
    }
    def
}

const WINS: &[&str] = &[
    "Shipped the onboarding rework two weeks early and cut support tickets by a third.",
    "Took over the migration mid-quarter and landed it without downtime.",
    "Kept the team's delivery steady through two reorganisations.",
    "Built the reporting the sales team now uses every morning.",
    "Closed the long-standing reliability issues in the billing flow.",
    "Delivered the agreed scope, though later than planned on the second goal.",
];
const KEEP: &[&str] = &[
    "Writing things down: the design notes save everyone time.",
    "Asking the awkward question early in planning.",
    "Pairing with newer colleagues; they ramp up much faster.",
    "Keeping customers in the room when priorities are set.",
    "Calm, clear updates when things go wrong.",
];
const CHANGE: &[&str] = &[
    "Say no sooner: taking on everything makes deadlines slip.",
    "Share work in progress earlier instead of polishing alone.",
    "Delegate more of the routine reviews.",
    "Involve other teams before decisions rather than after.",
];
const FOCUS: &[&str] = &[
    "Lead a cross-team project end to end.",
    "Grow presentation skills for leadership reviews.",
    "Deepen data analysis skills.",
    "Mentor a new joiner.",
];
const COMMENTS: &[&str] = &[
    "Thanks, this matches how I saw the half. I'd like to talk about the development focus in our next 1:1.",
    "Fair review. I disagree a little on communication and will bring examples.",
    "Appreciated the detailed feedback from peers.",
];

fn half(today: i64, offset: i64) -> (String, String, String) {
    let date = date_from_days(today);
    let year: i64 = date[0..4].parse().unwrap_or(2026);
    let month: i64 = date[5..7].parse().unwrap_or(1);
    let index = year * 2 + (month - 1) / 6 + offset;
    let (y, h) = (index.div_euclid(2), index.rem_euclid(2));
    let (start, end) = if h == 0 {
        ("01-01", "06-30")
    } else {
        ("07-01", "12-31")
    };
    (
        format!("{y}-{start}"),
        format!("{y}-{end}"),
        format!("H{} {y}", h + 1),
    )
}

fn day(date: &str) -> i64 {
    keel_core::calendar::day_number(date).unwrap_or(0)
}

/// The demo reviews as of `today` (days since 1970-01-01). Goal periods: 0 is the previous
/// quarter, 1 the current one.
pub fn generate(org: &DemoOrg, seed: u64, today: i64) -> DemoReviews {
    let mut rng = Rng::new(seed.wrapping_mul(53).wrapping_add(11));
    let scale = five_point_scale();
    let template = performance_template();
    let mut out = DemoReviews {
        scale: scale.clone(),
        template: template.clone(),
        cycles: Vec::new(),
        participants: Vec::new(),
        assignments: Vec::new(),
        changes: Vec::new(),
    };
    let (last_start, last_end, last_name) = half(today, -1);
    let (now_start, now_end, now_name) = half(today, 0);
    if org.people.len() <= COMPLETED_CYCLE_LIMIT {
        let end = day(&last_end);
        out.cycles.push(DemoCycle {
            name: format!("{last_name} performance review"),
            starts_on: last_start,
            ends_on: last_end,
            goal_period: 0,
            state: CycleState::Closed,
            nomination_due: date_from_days(end + 7),
            writing_due: date_from_days(end + 21),
            calibration_due: date_from_days(end + 28),
            release_due: date_from_days(end + 35),
            launched_at: end * 86_400 + 9 * 3600,
            closed_at: Some((end + 60) * 86_400),
        });
    }
    out.cycles.push(DemoCycle {
        name: format!("{now_name} performance review"),
        starts_on: now_start,
        ends_on: now_end,
        goal_period: 1,
        state: CycleState::Writing,
        nomination_due: date_from_days(today - 4),
        writing_due: date_from_days(today + 10),
        calibration_due: date_from_days(today + 20),
        release_due: date_from_days(today + 30),
        launched_at: (today - 12) * 86_400 + 9 * 3600,
        closed_at: None,
    });

    // Each person's reports and teammates, for peer and upward reviews.
    let mut reports: Vec<Vec<usize>> = vec![Vec::new(); org.people.len()];
    for (i, p) in org.people.iter().enumerate() {
        if let Some(m) = p.manager {
            reports[m].push(i);
        }
    }
    for (cycle_index, cycle) in out.cycles.iter().enumerate() {
        let completed = cycle.state == CycleState::Closed;
        let launched_day = cycle.launched_at.div_euclid(86_400);
        // A person's "true" performance this half: 1..=5, mostly 3.
        let first_participant = out.participants.len();
        let mut level = Vec::with_capacity(org.people.len());
        for person in 0..org.people.len() {
            let roll = rng.below(100);
            let l = match roll {
                0..=4 => 1,
                5..=19 => 2,
                20..=74 => 3,
                75..=94 => 4,
                _ => 5,
            };
            level.push(l);
            out.participants.push(DemoParticipant {
                cycle: cycle_index,
                person,
                proposed: None,
                final_rating: None,
                released_at: None,
                comment: None,
                acknowledged_at: None,
                signed_off_at: None,
            });
        }
        for person in 0..org.people.len() {
            let participant = first_participant + person;
            let me = &org.people[person];
            let mut reviewers: Vec<(usize, ReviewerType)> =
                vec![(person, ReviewerType::SelfReview)];
            if let Some(m) = me.manager {
                reviewers.push((m, ReviewerType::Manager));
                let peers: Vec<usize> = reports[m]
                    .iter()
                    .copied()
                    .filter(|p| *p != person)
                    .collect();
                let offset = if peers.is_empty() {
                    0
                } else {
                    rng.below(peers.len())
                };
                for k in 0..peers.len().min(3) {
                    reviewers.push((peers[(offset + k) % peers.len()], ReviewerType::Peer));
                }
            }
            for r in reports[person].iter().take(4) {
                reviewers.push((*r, ReviewerType::Upward));
            }
            for (reviewer, kind) in reviewers {
                let roll = rng.below(100);
                let state = if completed {
                    AssignmentState::Submitted
                } else {
                    let (done, started) = match kind {
                        ReviewerType::SelfReview => (45, 70),
                        ReviewerType::Manager => (35, 55),
                        _ => (50, 65),
                    };
                    if roll < done {
                        AssignmentState::Submitted
                    } else if roll < started {
                        AssignmentState::Draft
                    } else {
                        AssignmentState::Pending
                    }
                };
                let answers = match state {
                    AssignmentState::Pending => Answers::new(),
                    _ => demo_answers(
                        &template,
                        kind,
                        level[person],
                        &mut rng,
                        state == AssignmentState::Draft,
                    ),
                };
                let written =
                    (launched_day + 2 + rng.below(10) as i64).min(today) * 86_400 + 10 * 3600;
                out.assignments.push(DemoAssignment {
                    participant,
                    reviewer,
                    kind,
                    state,
                    saved_at: (state != AssignmentState::Pending).then_some(written),
                    submitted_at: (state == AssignmentState::Submitted).then_some(written),
                    answers,
                });
            }
        }
        // Proposed ratings from submitted manager reviews; the completed cycle ran to the end.
        let scales = [scale.clone()];
        let proposals: Vec<(usize, Option<f64>)> = out
            .assignments
            .iter()
            .filter(|a| {
                a.kind == ReviewerType::Manager
                    && a.state == AssignmentState::Submitted
                    && a.participant >= first_participant
            })
            .map(|a| (a.participant, overall_score(&template, &scales, &a.answers)))
            .collect();
        for (participant, score) in proposals {
            out.participants[participant].proposed = score;
        }
        if completed {
            let end = day(&cycle.release_due);
            for index in first_participant..out.participants.len() {
                let person = out.participants[index].person;
                let proposed = out.participants[index].proposed;
                let calibrated = proposed.map(|p| scale.nearest(p));
                let changed = proposed.is_some() && rng.below(100) < 6;
                let final_rating = if changed {
                    let p = calibrated.unwrap_or(3);
                    let after = if p >= 4 { p - 1 } else { p + 1 };
                    out.changes.push(DemoRatingChange {
                        participant: index,
                        before: proposed.unwrap_or(3.0),
                        after,
                        justification: if after < p {
                            "Compared with peers at the same level the impact was solid rather than exceptional.".into()
                        } else {
                            "Took on the migration lead mid-half; the goal scores understate the impact.".into()
                        },
                        at: (end - 3) * 86_400 + 15 * 3600,
                    });
                    Some(after)
                } else {
                    calibrated
                };
                let p = &mut out.participants[index];
                p.final_rating = final_rating;
                p.released_at = Some(end * 86_400 + 9 * 3600);
                p.acknowledged_at = Some((end + 2) * 86_400 + 11 * 3600);
                p.signed_off_at = Some((end + 4) * 86_400 + 16 * 3600);
                if person.is_multiple_of(3) {
                    p.comment = Some(COMMENTS[person % COMMENTS.len()].to_string());
                }
            }
        }
    }
    out
}

/// Answers of one reviewer for someone performing at `level` (1..=5). Drafts stop halfway.
fn demo_answers(
    def: &TemplateDefinition,
    kind: ReviewerType,
    level: i64,
    rng: &mut Rng,
    draft: bool,
) -> Answers {
    let mut answers = Answers::new();
    let bias = if kind == ReviewerType::SelfReview {
        1
    } else {
        0
    };
    let questions: Vec<_> = def.questions().filter(|q| q.asks(kind)).collect();
    let take = if draft {
        questions.len() / 2
    } else {
        questions.len()
    };
    for q in questions.into_iter().take(take) {
        let value = match q.kind {
            QuestionKind::Text => {
                let list = match q.key.as_str() {
                    "q3" => WINS,
                    "q7" => KEEP,
                    "q8" => CHANGE,
                    _ => FOCUS,
                };
                if !q.required && rng.below(3) == 0 {
                    continue;
                }
                list[rng.below(list.len())].to_string()
            }
            QuestionKind::Choice => match level {
                5 => "Ready now",
                4 => "Within a year",
                _ => "Not yet",
            }
            .to_string(),
            _ => {
                let noise = rng.below(3) as i64 - 1;
                (level + noise + bias * (rng.below(2) as i64))
                    .clamp(1, 5)
                    .to_string()
            }
        };
        answers.insert(q.key.clone(), value);
    }
    answers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::org as demo_org;
    use keel_core::reviews::{check_answers, template_problems, Completeness};

    const TODAY: i64 = 20_786; // 2026-11-29

    #[test]
    fn the_demo_template_is_usable_and_its_weights_add_up() {
        let def = performance_template();
        assert!(template_problems(&def, &[five_point_scale()]).is_empty());
        assert_eq!(
            def.question("q2").map(|q| q.kind),
            Some(QuestionKind::Goals)
        );
        assert_eq!(
            def.question("q11").map(|q| q.prompt.as_str()),
            Some("What should the next period's development focus on?")
        );
    }

    #[test]
    fn one_completed_and_one_open_cycle_with_valid_answers() {
        let org = demo_org::generate(120, 5);
        let demo = generate(&org, 5, TODAY);
        assert_eq!(demo.cycles.len(), 2);
        assert_eq!(demo.cycles[0].state, CycleState::Closed);
        assert_eq!(demo.cycles[0].name, "H1 2026 performance review");
        assert_eq!(demo.cycles[1].state, CycleState::Writing);
        let scales = [five_point_scale()];
        for a in &demo.assignments {
            let completeness = if a.state == AssignmentState::Submitted {
                Completeness::Submit
            } else {
                Completeness::Draft
            };
            assert!(
                check_answers(&demo.template, &scales, a.kind, &a.answers, completeness).is_ok(),
                "{:?} {:?} {:?}",
                a.kind,
                a.state,
                a.answers
            );
        }
        let completed: Vec<_> = demo.participants.iter().filter(|p| p.cycle == 0).collect();
        assert!(completed.iter().all(|p| p.signed_off_at.is_some()));
        let open = demo
            .assignments
            .iter()
            .filter(|a| demo.participants[a.participant].cycle == 1);
        let states: Vec<_> = open.map(|a| a.state).collect();
        assert!(
            states.contains(&AssignmentState::Submitted)
                && states.contains(&AssignmentState::Pending)
        );
    }
}
