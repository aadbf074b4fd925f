//! The demo organisation: a believable company generated deterministically from a seed.
//!
//! Divisions split into departments up to four levels deep; every department has a head who
//! reports to the head of the parent department, and large departments have team leads with
//! seven to nine people each. The same seed and size always give the same company, so tests and
//! benchmarks can rely on it. Pure: the store inserts what this returns.

use keel_core::calendar::date_from_days;

/// The demo accounts' shared password, printed by `make run` and listed on the login page.
pub const DEMO_PASSWORD: &str = "keel-demo-2026";
/// The demo company's email domain.
pub const DEMO_DOMAIN: &str = "northwind.example";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoDepartment {
    pub name: String,
    /// Index into `DemoOrg::departments`; always smaller than this department's own index.
    pub parent: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoPerson {
    pub name: String,
    pub email: String,
    pub title: String,
    pub department: usize,
    /// Index into `DemoOrg::people`; always smaller than this person's own index.
    pub manager: Option<usize>,
    pub hire_date: String,
    pub location: String,
}

/// Which generated people get a login, by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoAccounts {
    pub employee: usize,
    /// A teammate of `employee` (same manager, no special rights).
    pub peer: usize,
    pub manager: usize,
    pub hr_admin: usize,
    pub executive: usize,
    pub admin: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoOrg {
    pub departments: Vec<DemoDepartment>,
    pub people: Vec<DemoPerson>,
    pub accounts: DemoAccounts,
}

/// The smallest company the generator builds: enough for every demo account to be distinct.
pub const MIN_EMPLOYEES: usize = 40;

/// A small, fast, deterministic pseudo-random generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

struct Division {
    name: &'static str,
    weight: u32,
    subdepartments: &'static [&'static str],
    ic_titles: &'static [&'static str],
    lead_title: &'static str,
}

const DIVISIONS: &[Division] = &[
    Division {
        name: "Engineering",
        weight: 30,
        subdepartments: &[
            "Platform",
            "Product Engineering",
            "Data",
            "Infrastructure",
            "Security",
            "Mobile",
        ],
        ic_titles: &[
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
            "QA Engineer",
            "Site Reliability Engineer",
            "Data Engineer",
        ],
        lead_title: "Engineering Manager",
    },
    Division {
        name: "Sales",
        weight: 18,
        subdepartments: &[
            "EMEA Sales",
            "Americas Sales",
            "APAC Sales",
            "Sales Operations",
            "Partnerships",
        ],
        ic_titles: &[
            "Account Executive",
            "Senior Account Executive",
            "Sales Development Representative",
            "Solutions Engineer",
        ],
        lead_title: "Sales Manager",
    },
    Division {
        name: "Customer Success",
        weight: 12,
        subdepartments: &[
            "Support",
            "Onboarding",
            "Account Management",
            "Customer Education",
        ],
        ic_titles: &[
            "Support Specialist",
            "Customer Success Manager",
            "Implementation Consultant",
            "Technical Support Engineer",
        ],
        lead_title: "Support Team Lead",
    },
    Division {
        name: "Operations",
        weight: 9,
        subdepartments: &["IT", "Facilities", "Procurement", "Business Operations"],
        ic_titles: &[
            "IT Specialist",
            "Operations Analyst",
            "Facilities Coordinator",
            "Procurement Specialist",
        ],
        lead_title: "Operations Manager",
    },
    Division {
        name: "Product",
        weight: 8,
        subdepartments: &["Product Management", "Design", "Research", "Analytics"],
        ic_titles: &[
            "Product Manager",
            "Product Designer",
            "UX Researcher",
            "Product Analyst",
        ],
        lead_title: "Group Product Manager",
    },
    Division {
        name: "Marketing",
        weight: 8,
        subdepartments: &["Brand", "Growth", "Product Marketing", "Communications"],
        ic_titles: &[
            "Marketing Specialist",
            "Content Strategist",
            "Growth Marketer",
            "Product Marketing Manager",
        ],
        lead_title: "Marketing Manager",
    },
    Division {
        name: "Finance",
        weight: 6,
        subdepartments: &["Accounting", "FP&A", "Payroll", "Tax"],
        ic_titles: &[
            "Accountant",
            "Financial Analyst",
            "Payroll Specialist",
            "Tax Analyst",
        ],
        lead_title: "Finance Manager",
    },
    Division {
        name: "People",
        weight: 6,
        subdepartments: &[
            "HR Business Partners",
            "Talent Acquisition",
            "Learning & Development",
            "Total Rewards",
        ],
        ic_titles: &[
            "HR Business Partner",
            "Recruiter",
            "Learning Specialist",
            "People Operations Specialist",
        ],
        lead_title: "People Manager",
    },
    Division {
        name: "Legal",
        weight: 3,
        subdepartments: &["Commercial Legal", "Compliance", "Privacy"],
        ic_titles: &["Legal Counsel", "Compliance Analyst", "Paralegal"],
        lead_title: "Senior Counsel",
    },
];

const TEAM_WORDS: &[&str] = &[
    "North",
    "South",
    "East",
    "West",
    "Core",
    "Growth",
    "Enterprise",
    "Mid-Market",
    "Strategic",
    "Foundations",
    "Tooling",
    "Quality",
    "Delivery",
    "Insights",
    "Experience",
    "Automation",
];

const FIRST_NAMES: &[&str] = &[
    "Maya", "Liam", "Olivia", "Noah", "Amara", "Mateo", "Sofia", "Ethan", "Priya", "Lucas",
    "Chloe", "Kenji", "Zara", "Omar", "Ingrid", "Diego", "Hannah", "Arjun", "Elena", "Felix",
    "Grace", "Hugo", "Isla", "Jonas", "Keira", "Leon", "Mina", "Nadia", "Oscar", "Paula", "Quinn",
    "Rafael", "Sara", "Tomas", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Aisha", "Ben",
    "Carmen", "Daniel", "Emeka", "Fatima", "Gabriel", "Hiro", "Ines", "Jamal", "Kavya", "Lena",
    "Marco", "Nora", "Olu", "Pedro", "Rosa", "Samir", "Tara", "Ulrich", "Valeria", "Will", "Yara",
    "Ada", "Bruno", "Clara", "Dmitri", "Eva", "Farah", "Gustav", "Helena", "Ivan", "Julia", "Kofi",
    "Laila", "Malik", "Nina", "Owen", "Petra", "Rohan",
];

const LAST_NAMES: &[&str] = &[
    "Chen",
    "Okafor",
    "Garcia",
    "Müller",
    "Patel",
    "Rossi",
    "Kim",
    "Novak",
    "Silva",
    "Haddad",
    "Nguyen",
    "Johansson",
    "Kowalski",
    "Mensah",
    "Tanaka",
    "Dubois",
    "Schmidt",
    "Costa",
    "Ali",
    "Brown",
    "Fischer",
    "Ivanova",
    "Jensen",
    "Khan",
    "Lopez",
    "Martin",
    "Nakamura",
    "Oliveira",
    "Petrov",
    "Quintero",
    "Reyes",
    "Santos",
    "Takahashi",
    "Umar",
    "Varga",
    "Wright",
    "Yilmaz",
    "Zhang",
    "Andersen",
    "Bauer",
    "Castillo",
    "Dias",
    "Evans",
    "Ferreira",
    "Gomez",
    "Hughes",
    "Ito",
    "Jovanovic",
    "Kaur",
    "Larsen",
    "Moreau",
    "Nielsen",
    "Owusu",
    "Park",
    "Ramos",
    "Sato",
    "Torres",
    "Virtanen",
    "Walsh",
    "Adeyemi",
    "Bergstrom",
    "Cohen",
];

const LOCATIONS: &[&str] = &[
    "London",
    "London",
    "Berlin",
    "New York",
    "New York",
    "Austin",
    "Toronto",
    "Lisbon",
    "Singapore",
    "Remote",
    "Remote",
    "Remote",
];

const DAY_2015_01_05: i64 = 16_440;
const DAY_2026_10_30: i64 = 20_756;

struct Builder {
    rng: Rng,
    org: DemoOrg,
    email_counts: std::collections::HashMap<String, u32>,
    leaf_size: usize,
}

impl Builder {
    fn person(
        &mut self,
        title: String,
        department: usize,
        manager: Option<usize>,
        seniority: u32,
    ) -> usize {
        let first = self.rng.pick(FIRST_NAMES);
        let last = self.rng.pick(LAST_NAMES);
        let local = format!("{}.{}", ascii_slug(first), ascii_slug(last));
        let count = self.email_counts.entry(local.clone()).or_insert(0);
        *count += 1;
        let email = if *count == 1 {
            format!("{local}@{DEMO_DOMAIN}")
        } else {
            format!("{local}{count}@{DEMO_DOMAIN}")
        };
        // Senior people were hired earlier, on the whole.
        let span = (DAY_2026_10_30 - DAY_2015_01_05) as usize;
        let latest = span - span * seniority as usize / 6;
        let hire = DAY_2015_01_05 + self.rng.below(latest.max(1)) as i64;
        let location = self.rng.pick(LOCATIONS).to_string();
        self.org.people.push(DemoPerson {
            name: format!("{first} {last}"),
            email,
            title,
            department,
            manager,
            hire_date: date_from_days(hire),
            location,
        });
        self.org.people.len() - 1
    }

    fn department(&mut self, name: String, parent: Option<usize>) -> usize {
        self.org.departments.push(DemoDepartment { name, parent });
        self.org.departments.len() - 1
    }

    /// Fills a department of `headcount` people (its head included) under `manager`.
    fn fill(
        &mut self,
        division: &Division,
        dept: usize,
        depth: usize,
        headcount: usize,
        head_title: String,
        manager: usize,
    ) {
        let head = self.person(
            head_title,
            dept,
            Some(manager),
            5u32.saturating_sub(depth as u32),
        );
        let rest = headcount.saturating_sub(1);
        let max_children = [0, 6, 5, 4][depth.min(3)];
        if depth < 4 && rest > self.leaf_size && max_children > 0 {
            let children = rest.div_ceil(self.leaf_size).clamp(2, max_children);
            let dept_name = self.org.departments[dept].name.clone();
            for i in 0..children {
                let share = rest / children + usize::from(i < rest % children);
                let name = if depth == 1 {
                    division.subdepartments[i % division.subdepartments.len()].to_string()
                } else {
                    format!(
                        "{} {}",
                        dept_name,
                        TEAM_WORDS[(i + depth) % TEAM_WORDS.len()]
                    )
                };
                let child = self.department(name.clone(), Some(dept));
                let title = match depth {
                    1 => format!("Director, {name}"),
                    2 => format!("Senior Manager, {name}"),
                    _ => format!("Head of {name}"),
                };
                self.fill(division, child, depth + 1, share, title, head);
            }
            return;
        }
        // A leaf: team leads with seven to nine people each, or everyone under the head.
        if rest <= 10 {
            for _ in 0..rest {
                let title = self.rng.pick(division.ic_titles).to_string();
                self.person(title, dept, Some(head), 1);
            }
            return;
        }
        let leads = rest.div_ceil(9);
        let ics = rest - leads;
        let lead_ids: Vec<usize> = (0..leads)
            .map(|_| self.person(division.lead_title.to_string(), dept, Some(head), 3))
            .collect();
        for i in 0..ics {
            let title = self.rng.pick(division.ic_titles).to_string();
            self.person(title, dept, Some(lead_ids[i % leads]), 1);
        }
    }
}

fn ascii_slug(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'ü' => 'u',
            'ö' => 'o',
            'ä' => 'a',
            'é' => 'e',
            c => c.to_ascii_lowercase(),
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// Builds a company of `employees` people (at least `MIN_EMPLOYEES`) from `seed`.
pub fn generate(employees: usize, seed: u64) -> DemoOrg {
    let employees = employees.max(MIN_EMPLOYEES);
    let mut b = Builder {
        rng: Rng::new(seed),
        org: DemoOrg {
            departments: Vec::new(),
            people: Vec::with_capacity(employees),
            accounts: DemoAccounts {
                employee: 0,
                peer: 0,
                manager: 0,
                hr_admin: 0,
                executive: 0,
                admin: 0,
            },
        },
        email_counts: std::collections::HashMap::new(),
        leaf_size: (employees / 600).clamp(25, 150),
    };
    let office = b.department("Executive Office".into(), None);
    let ceo = b.person("Chief Executive Officer".into(), office, None, 6);
    let total_weight: u32 = DIVISIONS.iter().map(|d| d.weight).sum();
    let rest = employees - 1;
    let mut assigned = 0;
    let mut division_roots = Vec::new();
    for (i, division) in DIVISIONS.iter().enumerate() {
        let share = if i + 1 == DIVISIONS.len() {
            rest - assigned
        } else {
            rest * division.weight as usize / total_weight as usize
        };
        assigned += share;
        let dept = b.department(division.name.to_string(), None);
        division_roots.push((dept, b.org.people.len()));
        b.fill(
            division,
            dept,
            1,
            share,
            format!("VP of {}", division.name),
            ceo,
        );
    }
    b.org.accounts = choose_accounts(&b.org, ceo, &division_roots);
    let admin = b.org.accounts.admin;
    b.org.people[admin].title = "IT Administrator".into();
    for (person, local) in [
        (b.org.accounts.employee, "employee"),
        (b.org.accounts.peer, "peer"),
        (b.org.accounts.manager, "manager"),
        (b.org.accounts.hr_admin, "hr"),
        (b.org.accounts.executive, "exec"),
        (admin, "admin"),
    ] {
        b.org.people[person].email = format!("{local}@{DEMO_DOMAIN}");
    }
    b.org
}

/// Picks distinct people for the demo logins: the CEO as executive, an HR business partner, the
/// first team lead in Engineering and one of their reports, and someone in Operations as admin.
fn choose_accounts(org: &DemoOrg, ceo: usize, division_roots: &[(usize, usize)]) -> DemoAccounts {
    let in_division = |name: &str| -> std::ops::Range<usize> {
        let pos = DIVISIONS.iter().position(|d| d.name == name).unwrap_or(0);
        let start = division_roots[pos].1;
        let end = division_roots
            .get(pos + 1)
            .map_or(org.people.len(), |r| r.1);
        start..end
    };
    let has_reports = |p: usize| org.people.iter().any(|q| q.manager == Some(p));
    let engineering = in_division("Engineering");
    let manager = engineering
        .clone()
        .find(|&p| org.people[p].title == "Engineering Manager")
        .or_else(|| engineering.clone().rev().find(|&p| has_reports(p)))
        .unwrap_or(engineering.start);
    let employee = engineering
        .clone()
        .find(|&p| org.people[p].manager == Some(manager) && !has_reports(p))
        .unwrap_or(engineering.end - 1);
    let peer = engineering
        .clone()
        .find(|&p| p != employee && org.people[p].manager == Some(manager) && !has_reports(p))
        .unwrap_or(engineering.end - 2);
    let people = in_division("People");
    let hr_admin = people
        .clone()
        .find(|&p| org.people[p].title == "HR Business Partner")
        .unwrap_or(people.start);
    let operations = in_division("Operations");
    let admin = operations
        .clone()
        .rev()
        .find(|&p| !has_reports(p))
        .unwrap_or(operations.start);
    DemoAccounts {
        employee,
        peer,
        manager,
        hr_admin,
        executive: ceo,
        admin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_same_seed_gives_the_same_company() {
        assert_eq!(generate(300, 7), generate(300, 7));
        assert_ne!(generate(300, 7).people, generate(300, 8).people);
    }

    #[test]
    fn the_company_has_the_requested_size_and_one_top() {
        for n in [40, 250, 5_000] {
            let org = generate(n, 1);
            assert_eq!(org.people.len(), n);
            assert_eq!(org.people.iter().filter(|p| p.manager.is_none()).count(), 1);
        }
    }

    #[test]
    fn managers_and_parents_come_before_the_people_who_refer_to_them() {
        let org = generate(2_000, 3);
        for (i, p) in org.people.iter().enumerate() {
            assert!(p.manager.is_none_or(|m| m < i));
            assert!(p.department < org.departments.len());
        }
        for (i, d) in org.departments.iter().enumerate() {
            assert!(d.parent.is_none_or(|p| p < i));
        }
    }

    #[test]
    fn emails_are_unique_and_demo_accounts_are_distinct() {
        let org = generate(20_000, 42);
        let emails: HashSet<&str> = org.people.iter().map(|p| p.email.as_str()).collect();
        assert_eq!(emails.len(), org.people.len());
        let a = org.accounts;
        let chosen: HashSet<usize> = [
            a.employee,
            a.peer,
            a.manager,
            a.hr_admin,
            a.executive,
            a.admin,
        ]
        .into_iter()
        .collect();
        assert_eq!(chosen.len(), 6);
        assert_eq!(org.people[a.employee].manager, Some(a.manager));
        assert_eq!(org.people[a.peer].manager, Some(a.manager));
        assert_eq!(
            org.people[a.employee].email,
            format!("employee@{DEMO_DOMAIN}")
        );
        assert_eq!(org.people[a.hr_admin].title, "HR Business Partner");
    }

    #[test]
    fn large_companies_have_departments_three_to_four_levels_deep() {
        let org = generate(100_000, 1);
        let depth = |mut d: usize| {
            let mut levels = 1;
            while let Some(p) = org.departments[d].parent {
                d = p;
                levels += 1;
            }
            levels
        };
        let deepest = (0..org.departments.len()).map(depth).max().unwrap();
        assert!(
            (3..=4).contains(&deepest),
            "deepest department is {deepest} levels"
        );
        assert!(
            org.departments.len() < 2_000,
            "{} departments",
            org.departments.len()
        );
    }

    #[test]
    fn dates_convert_from_day_numbers() {
        assert_eq!(date_from_days(0), "1970-01-01");
        assert_eq!(date_from_days(DAY_2015_01_05), "2015-01-05");
        assert_eq!(date_from_days(DAY_2026_10_30), "2026-10-30");
        assert_eq!(date_from_days(19_782), "2024-02-29");
    }

    #[test]
    fn hire_dates_are_valid_calendar_dates() {
        for p in generate(1_000, 9).people {
            assert!(
                keel_core::people::check_date(&p.hire_date).is_ok(),
                "{}",
                p.hire_date
            );
        }
    }
}
