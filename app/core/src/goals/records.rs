//! Goal records as the store reads them and pages show them: comments, check-ins, and
//! references to a goal.

use super::*;

/// A comment, under a goal or under one of its check-ins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalComment {
    pub id: i64,
    pub check_in_id: Option<i64>,
    pub author_id: PersonId,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

/// One check-in, with the comments threaded under it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub id: i64,
    pub author_name: String,
    pub confidence: Confidence,
    pub comment: String,
    pub progress: f64,
    /// (key result, value) as recorded.
    pub values: Vec<(KeyResultId, f64)>,
    pub created_at: i64,
    pub comments: Vec<GoalComment>,
}

/// A short reference to another goal (the parent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalRef {
    pub id: GoalId,
    pub title: String,
    pub level: GoalLevel,
}
