//! The demo company's goals, generated deterministically from a seed and today's date: the
//! previous, current and next quarter; 5 company objectives per quarter and two department
//! goals per division; for the previous and current quarter also a team goal per manager and
//! two individual goals per person, each with key results and a believable check-in history
//! (most on track, some behind, some stale).
//! Rolled-up goals get their progress from the goals aligned to them, as the app computes it.

use super::org::{DemoOrg, Rng};
use keel_core::calendar::date_from_days;
use keel_core::goals::{
    counts_towards_parent, key_result_progress, weighted_progress, Confidence, GoalLevel,
    KeyResultKind, PeriodKind, PlanState, ProgressMode, Visibility,
};

pub struct DemoPeriod {
    pub name: String,
    pub kind: PeriodKind,
    pub starts_on: String,
    pub ends_on: String,
}

pub struct DemoGoal {
    pub title: String,
    pub description: String,
    /// Index into `DemoOrg::people`.
    pub owner: usize,
    pub level: GoalLevel,
    /// Index into `DemoOrg::departments`, for department goals.
    pub department: Option<usize>,
    /// Index into `DemoGoals::periods`.
    pub period: usize,
    pub visibility: Visibility,
    pub weight: i64,
    pub mode: ProgressMode,
    /// Index into `DemoGoals::goals`; always smaller than the goal's own index.
    pub parent: Option<usize>,
    pub progress: f64,
    pub confidence: Option<Confidence>,
    pub last_check_in_at: Option<i64>,
    pub created_at: i64,
}

pub struct DemoKeyResult {
    pub goal: usize,
    pub position: i64,
    pub title: String,
    pub kind: KeyResultKind,
    pub unit: String,
    pub start: f64,
    pub target: f64,
    pub current: f64,
    pub weight: i64,
}

pub struct DemoCheckIn {
    pub goal: usize,
    pub author: usize,
    pub confidence: Confidence,
    pub comment: String,
    pub progress: f64,
    /// (index into `DemoGoals::key_results`, value).
    pub values: Vec<(usize, f64)>,
    pub at: i64,
}

pub struct DemoPlan {
    pub owner: usize,
    pub period: usize,
    pub state: PlanState,
}

pub struct DemoGoals {
    pub periods: Vec<DemoPeriod>,
    pub goals: Vec<DemoGoal>,
    pub key_results: Vec<DemoKeyResult>,
    pub check_ins: Vec<DemoCheckIn>,
    pub plans: Vec<DemoPlan>,
}

const COMPANY_OBJECTIVES: &[&str] = &[
    "Delight customers in every market we serve",
    "Grow recurring revenue faster than the market",
    "Run a platform customers can rely on",
    "Make Northwind a great place to grow a career",
    "Operate efficiently and sustainably",
];

const DEPARTMENT_GOALS: &[&str] = &[
    "Deliver the roadmap commitments of {d}",
    "Raise the quality bar across {d}",
    "Grow the skills and bench strength of {d}",
    "Cut waste and cycle time in {d}",
];

const TEAM_GOALS: &[&str] = &[
    "Ship our quarter's commitments on time",
    "Halve the time from idea to customer",
    "Make our work visible and predictable",
    "Reduce escalations reaching the team",
];

/// (goal title, key results as (title, kind, unit, start, target)).
type Template = (
    &'static str,
    &'static [(&'static str, KeyResultKind, &'static str, f64, f64)],
);

const INDIVIDUAL_GOALS: &[Template] = &[
    (
        "Improve onboarding for new customers",
        &[
            (
                "Median days to first value",
                KeyResultKind::Number,
                "days",
                14.0,
                7.0,
            ),
            (
                "Onboarding satisfaction",
                KeyResultKind::Percent,
                "",
                70.0,
                90.0,
            ),
        ],
    ),
    (
        "Grow pipeline in my territory",
        &[
            (
                "Qualified pipeline",
                KeyResultKind::Currency,
                "EUR",
                0.0,
                400_000.0,
            ),
            (
                "Discovery calls held",
                KeyResultKind::Number,
                "calls",
                0.0,
                40.0,
            ),
        ],
    ),
    (
        "Reduce incidents in the services I own",
        &[
            (
                "Incidents per month",
                KeyResultKind::Number,
                "incidents",
                8.0,
                2.0,
            ),
            (
                "Runbook for every alert",
                KeyResultKind::Milestone,
                "",
                0.0,
                1.0,
            ),
        ],
    ),
    (
        "Raise automated test coverage",
        &[("Line coverage", KeyResultKind::Percent, "", 55.0, 80.0)],
    ),
    (
        "Publish the quarterly process review",
        &[
            (
                "Interviews with stakeholders",
                KeyResultKind::Number,
                "interviews",
                0.0,
                12.0,
            ),
            ("Review published", KeyResultKind::Milestone, "", 0.0, 1.0),
        ],
    ),
    (
        "Learn and apply a new skill",
        &[
            (
                "Course modules completed",
                KeyResultKind::Number,
                "modules",
                0.0,
                10.0,
            ),
            (
                "Share what I learned in a team session",
                KeyResultKind::Milestone,
                "",
                0.0,
                1.0,
            ),
        ],
    ),
    (
        "Speed up month-end close",
        &[("Days to close", KeyResultKind::Number, "days", 9.0, 5.0)],
    ),
    (
        "Answer customer tickets faster",
        &[
            (
                "First response time",
                KeyResultKind::Number,
                "hours",
                12.0,
                4.0,
            ),
            (
                "Tickets solved on first contact",
                KeyResultKind::Percent,
                "",
                40.0,
                60.0,
            ),
        ],
    ),
    (
        "Mentor a newer colleague",
        &[(
            "Mentoring sessions held",
            KeyResultKind::Number,
            "sessions",
            0.0,
            8.0,
        )],
    ),
    (
        "Cut cloud spend of my services",
        &[(
            "Monthly spend",
            KeyResultKind::Currency,
            "EUR",
            20_000.0,
            15_000.0,
        )],
    ),
];

const CHECK_IN_COMMENTS: &[&str] = &[
    "Steady progress this week.",
    "Blocked for a few days on a dependency; catching up now.",
    "Good momentum after the team review.",
    "Slower than planned: priorities shifted.",
    "Paired with a colleague, which helped a lot.",
    "",
];

/// Quarter boundaries around `today` (days since the epoch): (start, end) of the quarter
/// `offset` quarters from the current one.
fn quarter(today: i64, offset: i64) -> (i64, i64, String) {
    let date = date_from_days(today);
    let year: i64 = date[0..4].parse().unwrap_or(2026);
    let month: i64 = date[5..7].parse().unwrap_or(1);
    let index = year * 4 + (month - 1) / 3 + offset;
    let (y, q) = (index.div_euclid(4), index.rem_euclid(4));
    let start =
        keel_core::calendar::day_number(&format!("{y:04}-{:02}-01", q * 3 + 1)).unwrap_or(today);
    let (ny, nq) = ((index + 1).div_euclid(4), (index + 1).rem_euclid(4));
    let next =
        keel_core::calendar::day_number(&format!("{ny:04}-{:02}-01", nq * 3 + 1)).unwrap_or(today);
    (start, next - 1, format!("Q{} {y}", q + 1))
}

/// The demo goals of `org` as of `today` (days since 1970-01-01).
pub fn generate(org: &DemoOrg, seed: u64, today: i64) -> DemoGoals {
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    let mut out = DemoGoals {
        periods: Vec::new(),
        goals: Vec::new(),
        key_results: Vec::new(),
        check_ins: Vec::new(),
        plans: Vec::new(),
    };
    let quarters: Vec<(i64, i64, String)> = [-1, 0, 1].iter().map(|o| quarter(today, *o)).collect();
    for (start, end, name) in &quarters {
        out.periods.push(DemoPeriod {
            name: name.clone(),
            kind: PeriodKind::Quarter,
            starts_on: date_from_days(*start),
            ends_on: date_from_days(*end),
        });
    }
    let year = &date_from_days(today)[0..4];
    out.periods.push(DemoPeriod {
        name: format!("Year {year}"),
        kind: PeriodKind::Year,
        starts_on: format!("{year}-01-01"),
        ends_on: format!("{year}-12-31"),
    });

    // Divisions (top-level departments) and each person's division.
    let top = |mut d: usize| {
        while let Some(p) = org.departments[d].parent {
            d = p;
        }
        d
    };
    let ceo = org
        .people
        .iter()
        .position(|p| p.manager.is_none())
        .unwrap_or(0);
    let has_reports: Vec<bool> = {
        let mut v = vec![false; org.people.len()];
        for p in &org.people {
            if let Some(m) = p.manager {
                v[m] = true;
            }
        }
        v
    };
    // Division heads: the CEO's direct reports, by their division.
    let heads: Vec<(usize, usize)> = org
        .people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.manager == Some(ceo))
        .map(|(i, p)| (top(p.department), i))
        .collect();

    // Every quarter gets company and department goals; only the previous and current quarter
    // get team and individual goals (the next one is for people to draft theirs).
    for (period, (start, end, _)) in quarters.iter().enumerate() {
        let (start, end) = (*start, *end);
        let created = (start - 3) * 86_400 + 9 * 3600;
        let new_goal =
            |out: &mut DemoGoals, title: String, owner, level, department, parent, mode| {
                out.goals.push(DemoGoal {
                    title,
                    description: String::new(),
                    owner,
                    level,
                    department,
                    period,
                    visibility: Visibility::Public,
                    weight: 1,
                    mode,
                    parent,
                    progress: 0.0,
                    confidence: None,
                    last_check_in_at: None,
                    created_at: created,
                });
                out.goals.len() - 1
            };
        let company: Vec<usize> = COMPANY_OBJECTIVES
            .iter()
            .map(|t| {
                new_goal(
                    &mut out,
                    t.to_string(),
                    ceo,
                    GoalLevel::Company,
                    None,
                    None,
                    ProgressMode::RolledUp,
                )
            })
            .collect();
        // Two department goals per division, each under a company objective.
        let mut department_goals: Vec<(usize, [usize; 2])> = Vec::new();
        for (n, (division, head)) in heads.iter().enumerate() {
            let name = &org.departments[*division].name;
            let pair = [0, 1].map(|k| {
                let template = DEPARTMENT_GOALS[(n + k + period) % DEPARTMENT_GOALS.len()];
                let parent = company[(n * 2 + k) % company.len()];
                new_goal(
                    &mut out,
                    template.replace("{d}", name),
                    *head,
                    GoalLevel::Department,
                    Some(*division),
                    Some(parent),
                    ProgressMode::RolledUp,
                )
            });
            department_goals.push((*division, pair));
        }
        let division_goal = |person: usize, k: usize| {
            let division = top(org.people[person].department);
            department_goals
                .iter()
                .find(|(d, _)| *d == division)
                .map(|(_, pair)| pair[k % 2])
        };
        if period == 2 {
            continue;
        }
        // A team goal for every manager below the division heads.
        let mut team_goal: Vec<Option<usize>> = vec![None; org.people.len()];
        for (i, person) in org.people.iter().enumerate() {
            if !has_reports[i] || i == ceo || person.manager == Some(ceo) {
                continue;
            }
            let title = TEAM_GOALS[(i + period) % TEAM_GOALS.len()].to_string();
            let parent = division_goal(i, i);
            team_goal[i] = Some(new_goal(
                &mut out,
                title,
                i,
                GoalLevel::Team,
                None,
                parent,
                ProgressMode::RolledUp,
            ));
        }
        // Two individual goals per person (the CEO sets the company's instead).
        for (i, person) in org.people.iter().enumerate() {
            if i == ceo {
                continue;
            }
            let manager = person.manager.unwrap_or(ceo);
            let first_parent = team_goal[manager]
                .or_else(|| division_goal(i, 0))
                .or(Some(company[i % company.len()]));
            let second_parent = if rng.below(10) < 7 {
                division_goal(i, 1)
            } else {
                None
            };
            for (k, parent) in [first_parent, second_parent].into_iter().enumerate() {
                let template = &INDIVIDUAL_GOALS[(i * 3 + k * 5 + period) % INDIVIDUAL_GOALS.len()];
                let goal = new_goal(
                    &mut out,
                    template.0.to_string(),
                    i,
                    GoalLevel::Individual,
                    None,
                    parent,
                    ProgressMode::Manual,
                );
                if rng.below(10) == 0 {
                    out.goals[goal].visibility = Visibility::Private;
                }
                out.goals[goal].description =
                    "Agreed with my manager at the start of the quarter.".to_string();
                history(
                    &mut out, &mut rng, goal, template, manager, start, end, today,
                );
            }
            out.plans.push(DemoPlan {
                owner: i,
                period,
                state: PlanState::Approved,
            });
        }
    }
    roll_up(&mut out);
    out
}

/// Key results and check-ins for one individual goal, following a random profile.
#[allow(clippy::too_many_arguments)]
fn history(
    out: &mut DemoGoals,
    rng: &mut Rng,
    goal: usize,
    template: &Template,
    manager: usize,
    start: i64,
    end: i64,
    today: i64,
) {
    let owner = out.goals[goal].owner;
    let first_kr = out.key_results.len();
    for (position, (title, kind, unit, from, to)) in template.1.iter().enumerate() {
        out.key_results.push(DemoKeyResult {
            goal,
            position: position as i64,
            title: title.to_string(),
            kind: *kind,
            unit: unit.to_string(),
            start: *from,
            target: *to,
            current: *from,
            weight: 1,
        });
    }
    let krs = first_kr..out.key_results.len();
    // Profile: 0-5 on track, 6-7 behind, 8 at risk, 9 stale (no check-in for weeks).
    let profile = rng.below(10);
    let pace = match profile {
        0..=5 => 0.95 + rng.below(25) as f64 / 100.0,
        6 | 7 => 0.55 + rng.below(20) as f64 / 100.0,
        8 => 0.2 + rng.below(20) as f64 / 100.0,
        _ => 0.7 + rng.below(20) as f64 / 100.0,
    };
    let last_day = if profile == 9 && today <= end {
        today - 20 - rng.below(15) as i64
    } else {
        today.min(end)
    };
    let mut day = start + 8 + rng.below(6) as i64;
    let mut target_progress: f64 = 0.0;
    while day <= last_day {
        let even = (day - start) as f64 / (end - start).max(1) as f64 * 100.0;
        let noisy = even * pace * (0.9 + rng.below(20) as f64 / 100.0);
        target_progress = target_progress.max(noisy).min(100.0);
        let mut values = Vec::new();
        for k in krs.clone() {
            let kr = &mut out.key_results[k];
            kr.current = match kr.kind {
                KeyResultKind::Milestone => f64::from(target_progress >= 80.0),
                _ => {
                    let raw = kr.start + (kr.target - kr.start) * target_progress / 100.0;
                    (raw * 10.0).round() / 10.0
                }
            };
            values.push((k, kr.current));
        }
        let progress = weighted_progress(
            &krs.clone()
                .map(|k| {
                    let kr = &out.key_results[k];
                    (
                        kr.weight,
                        key_result_progress(kr.start, kr.target, kr.current),
                    )
                })
                .collect::<Vec<_>>(),
        );
        let confidence = match profile {
            0..=5 => Confidence::OnTrack,
            6 | 7 if rng.below(2) == 0 => Confidence::AtRisk,
            6 | 7 => Confidence::OnTrack,
            8 => Confidence::OffTrack,
            _ => Confidence::AtRisk,
        };
        // Now and then the manager checks in for their report.
        let author = if rng.below(8) == 0 { manager } else { owner };
        let at = day * 86_400 + (9 + rng.below(8) as i64) * 3600;
        out.check_ins.push(DemoCheckIn {
            goal,
            author,
            confidence,
            comment: CHECK_IN_COMMENTS[rng.below(CHECK_IN_COMMENTS.len())].to_string(),
            progress,
            values,
            at,
        });
        let g = &mut out.goals[goal];
        g.progress = progress;
        g.confidence = Some(confidence);
        g.last_check_in_at = Some(at);
        day += 11 + rng.below(8) as i64;
    }
}

/// Progress of rolled-up goals from the goals aligned to them that count towards them
/// (`counts_towards_parent`), children before parents.
fn roll_up(out: &mut DemoGoals) {
    let approved: std::collections::HashSet<(usize, usize)> = out
        .plans
        .iter()
        .filter(|plan| plan.state == PlanState::Approved)
        .map(|plan| (plan.owner, plan.period))
        .collect();
    let mut sums: Vec<Vec<(i64, f64)>> = vec![Vec::new(); out.goals.len()];
    for i in (0..out.goals.len()).rev() {
        let goal = &out.goals[i];
        let progress = if goal.mode == ProgressMode::RolledUp && !sums[i].is_empty() {
            weighted_progress(&sums[i])
        } else {
            goal.progress
        };
        out.goals[i].progress = progress;
        let goal = &out.goals[i];
        if let Some(parent) = goal.parent {
            let above = &out.goals[parent];
            let agreed = goal.level != GoalLevel::Individual
                || approved.contains(&(goal.owner, goal.period));
            if counts_towards_parent(
                goal.visibility,
                above.visibility,
                goal.owner == above.owner,
                agreed,
            ) {
                sums[parent].push((goal.weight, progress));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::org as demo_org;

    const TODAY: i64 = 20_786; // 2026-11-29

    #[test]
    fn quarters_are_computed_from_today() {
        let (start, end, name) = quarter(TODAY, 0);
        assert_eq!(
            (date_from_days(start), date_from_days(end), name.as_str()),
            ("2026-10-01".into(), "2026-12-31".into(), "Q4 2026")
        );
        assert_eq!(quarter(TODAY, 1).2, "Q1 2027");
        assert_eq!(date_from_days(quarter(TODAY, -1).0), "2026-07-01");
    }

    #[test]
    fn every_person_gets_aligned_goals_with_histories() {
        let org = demo_org::generate(300, 5);
        let goals = generate(&org, 5, TODAY);
        assert_eq!(goals.periods.len(), 4);
        let individual = goals
            .goals
            .iter()
            .filter(|g| g.level == GoalLevel::Individual)
            .count();
        assert_eq!(individual, (org.people.len() - 1) * 2 * 2);
        for (i, g) in goals.goals.iter().enumerate() {
            assert!(g.parent.is_none_or(|p| p < i));
            assert!((0.0..=100.0).contains(&g.progress));
            if let Some(p) = g.parent {
                assert!(g.level.may_align_under(goals.goals[p].level));
            }
        }
        let company = goals
            .goals
            .iter()
            .filter(|g| g.level == GoalLevel::Company)
            .count();
        assert_eq!(company, 15);
        // Believable: some goals are stale, some behind, most have check-ins.
        let current: Vec<&DemoGoal> = goals
            .goals
            .iter()
            .filter(|g| g.period == 1 && g.level == GoalLevel::Individual)
            .collect();
        let stale = current
            .iter()
            .filter(|g| {
                g.last_check_in_at
                    .is_none_or(|at| TODAY - at / 86_400 >= 14)
            })
            .count();
        assert!(
            stale > current.len() / 20 && stale < current.len() / 2,
            "{stale} of {}",
            current.len()
        );
        assert!(goals.check_ins.len() > individual);
    }

    #[test]
    fn the_same_seed_gives_the_same_goals() {
        let org = demo_org::generate(100, 9);
        let a = generate(&org, 9, TODAY);
        let b = generate(&org, 9, TODAY);
        assert_eq!(a.goals.len(), b.goals.len());
        assert_eq!(
            a.check_ins.iter().map(|c| c.progress).collect::<Vec<_>>(),
            b.check_ins.iter().map(|c| c.progress).collect::<Vec<_>>()
        );
    }
}
