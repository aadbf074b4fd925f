//! The organisation through the server functions and pages: directory, profiles, home pages,
//! and HR's audited changes, on every backend the environment offers.

use crate::common::*;
use app::store::audit;
use axum::http::StatusCode;

fn person_fields<'a>(
    name: &'a str,
    email: &'a str,
    department: &'a str,
    manager: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("email", email),
        ("title", "Software Engineer"),
        ("department_id", department),
        ("manager_email", manager),
        ("hire_date", "2025-03-03"),
        ("location", "Lisbon"),
    ]
}

#[tokio::test]
async fn hr_adds_moves_and_marks_people_as_left_and_every_change_is_audited() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let manager_email = demo_email("manager");
        let created = call(
            &app,
            "/api/create_person",
            Some(&hr),
            &person_fields(
                "Nia Newcomer",
                "Nia.Newcomer@Northwind.example",
                "2",
                &manager_email,
            ),
        )
        .await;
        assert_eq!(
            created.status,
            StatusCode::OK,
            "{:?}: {}",
            db.backend,
            created.body
        );
        let id: i64 = sqlx::query_scalar(
            "SELECT id FROM employees WHERE email = 'nia.newcomer@northwind.example'",
        )
        .fetch_one(&db.pool)
        .await
        .expect("the new person is stored with a normalised email");
        assert_eq!(
            created.headers.get("location").unwrap(),
            &format!("/people/{id}")
        );

        // Move them to another manager and department.
        let new_manager = demo_email("hr");
        let mut fields = vec![("id", "")];
        let id_text = id.to_string();
        fields[0].1 = &id_text;
        fields.extend(person_fields(
            "Nia Newcomer",
            "nia.newcomer@northwind.example",
            "3",
            &new_manager,
        ));
        let moved = call(&app, "/api/update_person", Some(&hr), &fields).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        let hr_id = db.id_of(db.org.accounts.hr_admin);
        let (department, manager): (i64, Option<i64>) =
            sqlx::query_as("SELECT department_id, manager_id FROM employees WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!((department, manager), (3, Some(hr_id)));

        let grant = call(
            &app,
            "/api/set_person_role",
            Some(&hr),
            &[("id", &id_text), ("role", "executive"), ("change", "grant")],
        )
        .await;
        assert_eq!(grant.status, StatusCode::OK);
        let left = call(
            &app,
            "/api/mark_person_left",
            Some(&hr),
            &[("id", &id_text)],
        )
        .await;
        assert_eq!(left.status, StatusCode::OK, "{}", left.body);

        let trail = audit::for_entity(&db.pool, "employee", id).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "person.created",
                "person.moved",
                "role.granted",
                "person.left"
            ]
        );
        let hr_actor = Some(hr_id);
        assert!(trail.iter().all(|r| r.actor_id == hr_actor));
        let before: serde_json::Value =
            serde_json::from_str(trail[1].before_json.as_deref().unwrap()).unwrap();
        let after: serde_json::Value =
            serde_json::from_str(trail[1].after_json.as_deref().unwrap()).unwrap();
        assert_eq!(before["department_id"], 2);
        assert_eq!(after["department_id"], 3);
        assert_eq!(after["manager_id"], hr_id);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_at_the_field_and_nothing_is_written() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let hr = login_as(&app, "hr").await;
        let people = db.count("SELECT COUNT(*) FROM employees").await;
        let audit_rows = db.count("SELECT COUNT(*) FROM audit_log").await;
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (person_fields("", "a@b.co", "2", ""), "name"),
            (person_fields("Ann", "not-an-email", "2", ""), "email"),
            (person_fields("Ann", "ann@b.co", "x", ""), "department_id"),
            (
                person_fields("Ann", "ann@b.co", "999999", ""),
                "department_id",
            ),
            (
                person_fields("Ann", "ann@b.co", "2", "ghost@nowhere.example"),
                "manager_email",
            ),
            // Someone already has this email.
            (
                person_fields("Ann", &db.org.people[0].email, "2", ""),
                "email",
            ),
        ];
        for (fields, field) in cases {
            let reply = call(&app, "/api/create_person", Some(&hr), &fields).await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}: {}",
                reply.body
            );
            let fields_named: Vec<String> = reply.json()["Invalid"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect();
            assert!(
                fields_named.contains(&field.to_string()),
                "{field} in {fields_named:?}"
            );
        }
        let mut bad_date = person_fields("Ann", "ann@b.co", "2", "");
        bad_date[5].1 = "2025-02-30";
        let reply = call(&app, "/api/create_person", Some(&hr), &bad_date).await;
        assert_eq!(reply.json()["Invalid"][0]["field"], "hire_date");

        // A manager cannot be moved under someone who reports to them.
        let manager = db.org.accounts.manager;
        let manager_id = db.id_of(manager).to_string();
        let report_email = demo_email("employee");
        let m = &db.org.people[manager];
        let department = (m.department + 1).to_string();
        let mut fields = vec![("id", manager_id.as_str())];
        fields.extend(person_fields(&m.name, &m.email, &department, &report_email));
        let cycle = call(&app, "/api/update_person", Some(&hr), &fields).await;
        assert_eq!(
            cycle.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            cycle.body
        );
        assert_eq!(cycle.json()["Invalid"][0]["field"], "manager_email");

        // Someone who still manages people cannot leave.
        let left = call(
            &app,
            "/api/mark_person_left",
            Some(&hr),
            &[("id", &manager_id)],
        )
        .await;
        assert_eq!(left.status, StatusCode::CONFLICT);
        assert!(left.json()["Conflict"]
            .as_str()
            .unwrap()
            .contains("new manager"));

        assert_eq!(db.count("SELECT COUNT(*) FROM employees").await, people);
        assert_eq!(db.count("SELECT COUNT(*) FROM audit_log").await, audit_rows);
        assert_eq!(
            db.count("SELECT COUNT(*) FROM employees WHERE status = 'left'")
                .await,
            0
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_directory_searches_and_filters_by_department_including_sub_departments() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let cookie = login_as(&app, "employee").await;
        let all = call(
            &app,
            "/api/list_people",
            Some(&cookie),
            &[("search", ""), ("include_left", "false"), ("page", "1")],
        )
        .await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.body);
        assert_eq!(all.json()["total"], SMALL_COMPANY as i64);
        assert_eq!(all.json()["people"].as_array().unwrap().len(), 25);

        // Engineering is department 3 in the generated company (after the Executive Office and
        // its own sub-departments come later): count everyone whose department is under it.
        let engineering = db
            .org
            .departments
            .iter()
            .position(|d| d.name == "Engineering")
            .unwrap();
        let under = |mut d: usize| loop {
            if d == engineering {
                return true;
            }
            match db.org.departments[d].parent {
                Some(p) => d = p,
                None => return false,
            }
        };
        let expected = db.org.people.iter().filter(|p| under(p.department)).count() as i64;
        let dept = (engineering + 1).to_string();
        let filtered = call(
            &app,
            "/api/list_people",
            Some(&cookie),
            &[
                ("search", ""),
                ("department_id", &dept),
                ("include_left", "false"),
                ("page", "1"),
            ],
        )
        .await;
        assert_eq!(filtered.json()["total"], expected, "{}", filtered.body);
        assert!(expected > 1);

        let employee = &db.org.people[db.org.accounts.employee];
        let first = employee
            .name
            .split_whitespace()
            .next()
            .unwrap()
            .to_uppercase();
        let found = call(
            &app,
            "/api/list_people",
            Some(&cookie),
            &[("search", &first), ("include_left", "false"), ("page", "1")],
        )
        .await;
        let names: Vec<String> = found.json()["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        assert!(names.contains(&employee.name), "{first} finds {names:?}");
        let none = call(
            &app,
            "/api/list_people",
            Some(&cookie),
            &[
                ("search", "100%_nobody"),
                ("include_left", "false"),
                ("page", "1"),
            ],
        )
        .await;
        assert_eq!(none.json()["total"], 0);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn private_details_are_for_the_person_their_managers_and_hr() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let a = db.org.accounts;
        let employee_id = db.id_of(a.employee).to_string();
        let profile = |cookie: String| {
            let app = app.clone();
            let id = employee_id.clone();
            async move {
                call(&app, "/api/get_person", Some(&cookie), &[("id", &id)])
                    .await
                    .json()
            }
        };
        for role in ["employee", "manager", "hr"] {
            let p = profile(login_as(&app, role).await).await;
            assert!(
                p["private"]["hire_date"].is_string(),
                "{role} sees the hire date"
            );
        }
        // A colleague in another division, with no role, sees the public card only.
        let sales = db
            .org
            .departments
            .iter()
            .position(|d| d.name == "Sales")
            .unwrap();
        let colleague = (0..db.org.people.len())
            .find(|&i| {
                db.org.people[i].department > sales
                    && !db.org.people.iter().any(|q| q.manager == Some(i))
            })
            .unwrap();
        let p = profile(login_person(&app, &db, colleague).await).await;
        assert!(p["private"].is_null(), "{p}");
        assert_eq!(p["card"]["name"], db.org.people[a.employee].name.as_str());
        let chain: Vec<i64> = p["manager_chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        assert_eq!(chain[0], db.id_of(a.manager));
        assert_eq!(*chain.last().unwrap(), db.id_of(a.executive));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn each_role_sees_its_own_home_page_with_real_names() {
    for db in TestDb::all().await {
        let app = db.app(true);
        let a = db.org.accounts;
        let name = |i: usize| db.org.people[i].name.clone();
        let employee_home = get(&app, "/", Some(&login_as(&app, "employee").await)).await;
        assert_eq!(employee_home.status, StatusCode::OK);
        let first = name(a.employee)
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        assert!(employee_home
            .body
            .contains(&format!("Welcome back, {first}")));
        assert!(
            employee_home.body.contains(&name(a.manager)),
            "the employee's manager is shown"
        );
        assert!(!employee_home.body.contains("Headcount by department"));

        let manager_home = get(&app, "/", Some(&login_as(&app, "manager").await)).await;
        assert!(manager_home.body.contains("Your reports"));
        assert!(
            manager_home.body.contains(&name(a.employee)),
            "the manager's report is listed"
        );

        for role in ["hr", "exec"] {
            let home = get(&app, "/", Some(&login_as(&app, role).await)).await;
            assert!(home.body.contains("Headcount by department"), "{role}");
            assert!(
                home.body.contains("<svg") && home.body.contains("<table"),
                "{role}: chart and table"
            );
            assert!(home.body.contains("Engineering"));
            assert!(
                home.body.contains(&format!(">{}<", SMALL_COMPANY)),
                "{role}: the total"
            );
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn pages_render_for_a_signed_in_user_and_unknown_ones_are_404() {
    let db = TestDb::sqlite().await;
    let app = db.app(true);
    let cookie = login_as(&app, "hr").await;
    let employee = db.id_of(db.org.accounts.employee);
    for (path, text) in [
        ("/people", "Everyone in the organisation"),
        ("/people?search=a&department=2", "People"),
        (&format!("/people/{employee}") as &str, "Reporting line"),
        (&format!("/people/{employee}/edit"), "Save changes"),
        ("/people/new", "Add a person"),
        ("/org", "Direct reports"),
        (&format!("/org/{employee}"), "Up to"),
    ] {
        let reply = get(&app, path, Some(&cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.body.contains(text), "{path} shows {text}");
    }
    let missing = get(&app, "/no/such/page", Some(&cookie)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("This page does not exist"));
    let nobody = get(&app, "/people/999999", Some(&cookie)).await;
    assert!(nobody.body.contains("That person was not found."));
    db.cleanup().await;
}
