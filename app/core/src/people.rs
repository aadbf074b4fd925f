//! People and their roles: the validated inputs HR types in, and the shapes pages show.
//!
//! "Parse, don't validate": a `PersonInput` can only be built through `PersonInput::parse`, which
//! returns every problem at once, each tied to its form field. The browser runs the same parse
//! for instant feedback; the server runs it again and is the one that counts.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

pub type PersonId = i64;
pub type DepartmentId = i64;

/// Roles that are granted. "Manager" is not among them: it follows from having reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    HrAdmin,
    Executive,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::HrAdmin, Role::Executive, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::HrAdmin => "hr_admin",
            Role::Executive => "executive",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::HrAdmin => "HR admin",
            Role::Executive => "Executive",
            Role::Admin => "Administrator",
        }
    }
}

choice_serde!(Role in "role");

text_enum!(
    /// HR grants a role or removes it.
    RoleChange in "change" {
        Grant = "grant" / "Grant",
        Remove = "remove" / "Remove",
    }
);

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmploymentStatus {
    Active,
    Left,
}

impl EmploymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EmploymentStatus::Active => "active",
            EmploymentStatus::Left => "left",
        }
    }

    pub fn parse(s: &str) -> EmploymentStatus {
        if s == "left" {
            EmploymentStatus::Left
        } else {
            EmploymentStatus::Active
        }
    }
}

/// The signed-in person, as every page and policy check sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub title: String,
    pub roles: Vec<Role>,
    /// Has at least one active direct report.
    pub is_manager: bool,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_hr(&self) -> bool {
        self.has(Role::HrAdmin) || self.has(Role::Admin)
    }

    pub fn is_executive(&self) -> bool {
        self.has(Role::Executive)
    }

    /// The word shown under the name in the navigation.
    pub fn role_label(&self) -> &'static str {
        if self.has(Role::Admin) {
            "Administrator"
        } else if self.has(Role::HrAdmin) {
            "HR admin"
        } else if self.has(Role::Executive) {
            "Executive"
        } else if self.is_manager {
            "Manager"
        } else {
            "Employee"
        }
    }
}

/// One line of the people directory, an org chart card, a list of reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonCard {
    pub id: PersonId,
    pub name: String,
    pub title: String,
    pub department: String,
    pub location: String,
    pub status: EmploymentStatus,
    pub report_count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateDetails {
    pub hire_date: String,
    pub manager_email: Option<String>,
}

/// What the directory asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryQuery {
    pub search: String,
    pub department_id: Option<i64>,
    pub include_left: bool,
    /// 1-based.
    pub page: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
    pub parent_id: Option<DepartmentId>,
}

/// A department as a select option: its full path and depth in the tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentOption {
    pub id: DepartmentId,
    pub name: String,
    pub path: String,
    pub depth: usize,
}

/// Orders departments depth-first (parents before children, siblings by name) and gives each
/// its path ("Engineering › Platform"). Departments whose parent is missing count as roots.
pub fn department_options(departments: &[Department]) -> Vec<DepartmentOption> {
    use std::collections::HashMap;
    let known: std::collections::HashSet<DepartmentId> = departments.iter().map(|d| d.id).collect();
    let mut children: HashMap<Option<DepartmentId>, Vec<&Department>> = HashMap::new();
    for d in departments {
        let parent = d.parent_id.filter(|p| known.contains(p) && *p != d.id);
        children.entry(parent).or_default().push(d);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    let mut out = Vec::with_capacity(departments.len());
    let mut stack: Vec<(&Department, usize, String)> = children
        .get(&None)
        .map(|roots| {
            roots
                .iter()
                .rev()
                .map(|d| (*d, 0, d.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    while let Some((dept, depth, path)) = stack.pop() {
        if !seen.insert(dept.id) {
            continue;
        }
        if let Some(kids) = children.get(&Some(dept.id)) {
            for kid in kids.iter().rev() {
                stack.push((kid, depth + 1, format!("{path} › {}", kid.name)));
            }
        }
        out.push(DepartmentOption {
            id: dept.id,
            name: dept.name.clone(),
            path,
            depth,
        });
    }
    out
}

/// What HR submits to add or edit a person, before parsing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonForm {
    pub name: String,
    pub email: String,
    pub title: String,
    pub department_id: String,
    pub manager_email: String,
    pub hire_date: String,
    pub location: String,
}

/// A person's details after every rule has passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonInput {
    pub name: String,
    pub email: String,
    pub title: String,
    pub department_id: DepartmentId,
    /// Lower-cased; empty means "no manager" (the top of the company).
    pub manager_email: Option<String>,
    pub hire_date: String,
    pub location: String,
}

impl PersonInput {
    /// Checks every field and returns all problems at once.
    pub fn parse(form: &PersonForm) -> Result<PersonInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, value) in [
            ("name", &form.name),
            ("email", &form.email),
            ("title", &form.title),
            ("manager_email", &form.manager_email),
            ("hire_date", &form.hire_date),
            ("location", &form.location),
        ] {
            if has_control_characters(value) {
                errors.push(FieldError::new(field, CONTROL_CHARACTERS));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let name = form.name.trim();
        if name.is_empty() {
            errors.push(FieldError::new("name", "Enter the person's name."));
        } else if name.chars().count() > 120 {
            errors.push(FieldError::new(
                "name",
                "Names can be at most 120 characters.",
            ));
        }
        let email = form.email.trim().to_lowercase();
        if let Err(message) = check_email(&email) {
            errors.push(FieldError::new("email", message));
        }
        let title = form.title.trim();
        if title.is_empty() {
            errors.push(FieldError::new("title", "Enter a job title."));
        } else if title.chars().count() > 120 {
            errors.push(FieldError::new(
                "title",
                "Titles can be at most 120 characters.",
            ));
        }
        let department_id = form.department_id.trim().parse::<DepartmentId>().ok();
        if department_id.is_none() {
            errors.push(FieldError::new("department_id", "Choose a department."));
        }
        let manager_email = form.manager_email.trim().to_lowercase();
        if !manager_email.is_empty() {
            if let Err(message) = check_email(&manager_email) {
                errors.push(FieldError::new("manager_email", message));
            } else if manager_email == email {
                errors.push(FieldError::new(
                    "manager_email",
                    "A person cannot manage themselves.",
                ));
            }
        }
        let hire_date = form.hire_date.trim();
        if let Err(message) = check_date(hire_date) {
            errors.push(FieldError::new("hire_date", message));
        }
        let location = form.location.trim();
        if location.chars().count() > 120 {
            errors.push(FieldError::new(
                "location",
                "Locations can be at most 120 characters.",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(PersonInput {
            name: name.to_string(),
            email,
            title: title.to_string(),
            department_id: department_id.unwrap_or_default(),
            manager_email: (!manager_email.is_empty()).then_some(manager_email),
            hire_date: hire_date.to_string(),
            location: location.to_string(),
        })
    }
}

pub const CONTROL_CHARACTERS: &str =
    "Remove the invisible characters (such as line breaks or tabs) from this field.";

/// Whether text holds characters no form field should: line breaks, tabs, NUL and the like.
pub fn has_control_characters(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// A plausible email address: one `@`, something before it, a dot in the domain, no spaces.
pub fn check_email(email: &str) -> Result<(), &'static str> {
    if email.is_empty() {
        return Err("Enter an email address.");
    }
    if email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err("Enter a valid email address, like name@company.com.");
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.') =>
        {
            Ok(())
        }
        _ => Err("Enter a valid email address, like name@company.com."),
    }
}

/// A calendar date written YYYY-MM-DD, between 1950 and 2100.
pub fn check_date(date: &str) -> Result<(), &'static str> {
    const MESSAGE: &str = "Enter a date as YYYY-MM-DD.";
    let parts: Vec<&str> = date.split('-').collect();
    let digits_only = parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if parts.len() != 3
        || !digits_only
        || parts[0].len() != 4
        || parts[1].len() != 2
        || parts[2].len() != 2
    {
        return Err(MESSAGE);
    }
    let (Ok(y), Ok(m), Ok(d)) = (
        parts[0].parse::<u32>(),
        parts[1].parse::<u32>(),
        parts[2].parse::<u32>(),
    ) else {
        return Err(MESSAGE);
    };
    if !(1950..=2100).contains(&y) {
        return Err("Enter a year between 1950 and 2100.");
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err("That date does not exist."),
    };
    if d == 0 || d > days {
        return Err("That date does not exist.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn valid_form() -> PersonForm {
        PersonForm {
            name: " Ada Lovelace ".into(),
            email: "Ada@Example.com".into(),
            title: "Engineer".into(),
            department_id: "3".into(),
            manager_email: "".into(),
            hire_date: "2024-02-29".into(),
            location: "London".into(),
        }
    }

    #[test]
    fn a_valid_form_parses_and_normalises() {
        let input = PersonInput::parse(&valid_form()).unwrap();
        assert_eq!(input.name, "Ada Lovelace");
        assert_eq!(input.email, "ada@example.com");
        assert_eq!(input.department_id, 3);
        assert_eq!(input.manager_email, None);
    }

    #[test]
    fn every_problem_is_reported_against_its_field() {
        let form = PersonForm {
            name: "  ".into(),
            email: "not-an-email".into(),
            title: "".into(),
            department_id: "x".into(),
            manager_email: "also bad".into(),
            hire_date: "2023-02-29".into(),
            location: "".into(),
        };
        let errors = PersonInput::parse(&form).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "email",
                "title",
                "department_id",
                "manager_email",
                "hire_date"
            ]
        );
    }

    #[test]
    fn control_characters_are_refused_at_their_field() {
        let mut form = valid_form();
        form.title = "Engineer\u{0}".into();
        form.location = "Lon\ndon".into();
        let errors = PersonInput::parse(&form).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "location"]);
    }

    #[test]
    fn a_person_cannot_manage_themselves() {
        let mut form = valid_form();
        form.manager_email = "ada@example.com".into();
        let errors = PersonInput::parse(&form).unwrap_err();
        assert_eq!(errors[0].field, "manager_email");
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert!(check_date("2024-02-29").is_ok());
        assert!(check_date("2023-02-29").is_err());
        assert!(check_date("2023-04-31").is_err());
        assert!(check_date("2023-13-01").is_err());
        assert!(check_date("23-01-01").is_err());
        assert!(check_date("1900-01-01").is_err());
        assert!(check_date("2024-+2-+5").is_err());
        assert!(check_date("+024-02-05").is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(check_email("a@b.co").is_ok());
        for bad in [
            "", "a", "@b.co", "a@b", "a@.co", "a@b.", "a b@c.co", "a@b@c.co",
        ] {
            assert!(check_email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("manager"), None);
    }

    #[test]
    fn department_options_list_parents_before_children_with_paths() {
        let d = |id, name: &str, parent| Department {
            id,
            name: name.into(),
            parent_id: parent,
        };
        let options = department_options(&[
            d(3, "Platform", Some(1)),
            d(1, "Engineering", None),
            d(2, "Sales", None),
            d(4, "Storage", Some(3)),
        ]);
        let paths: Vec<&str> = options.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Engineering",
                "Engineering › Platform",
                "Engineering › Platform › Storage",
                "Sales"
            ]
        );
        assert_eq!(options[2].depth, 2);
    }

    proptest! {
        #[test]
        fn department_options_never_lose_or_repeat_a_department(
            parents in proptest::collection::vec(proptest::option::of(0i64..20), 0..20)
        ) {
            let departments: Vec<Department> = parents.iter().enumerate().map(|(i, p)| Department {
                id: i as i64, name: format!("D{i}"), parent_id: *p,
            }).collect();
            let options = department_options(&departments);
            // Cycles without a root are unreachable; everything reachable appears exactly once.
            let mut ids: Vec<i64> = options.iter().map(|o| o.id).collect();
            ids.sort();
            ids.dedup();
            prop_assert_eq!(ids.len(), options.len());
            prop_assert!(options.len() <= departments.len());
        }

        #[test]
        fn parse_never_panics(name in ".{0,200}", email in ".{0,60}", date in ".{0,12}") {
            let form = PersonForm { name, email, hire_date: date, ..valid_form() };
            let _ = PersonInput::parse(&form);
        }
    }
}
