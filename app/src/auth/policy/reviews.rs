//! Review cycles. A review has two kinds of "manager", and each rule says which it means:
//! - the **launch manager**: the reviewee's manager when the cycle launched
//!   (`review_participants.manager_id`), who writes the manager review and decides peers;
//! - a **line manager**: the launch manager, or anyone above the reviewee in today's reporting
//!   line (`Relation::in_chain`), who may read, calibrate and sign off the result.
//!
//! Nobody acts as a manager on their own review, HR included.

use super::Relation;
use keel_core::people::CurrentUser;

/// How the person asking stands to a reviewee.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReviewStanding {
    /// Today's reporting line.
    pub relation: Relation,
    /// They were the reviewee's manager when the cycle launched.
    pub is_launch_manager: bool,
}

impl ReviewStanding {
    pub fn is_reviewee(&self) -> bool {
        self.relation.is_self
    }

    /// The launch manager or anyone above the reviewee today; never the reviewee.
    pub fn is_line_manager(&self) -> bool {
        !self.relation.is_self && (self.is_launch_manager || self.relation.in_chain)
    }
}

/// Scales, templates, cycles, phase changes, release, reminders, printouts and the CSV export:
/// HR only.
pub fn may_administer_reviews(user: &CurrentUser) -> bool {
    user.is_hr()
}

/// A result page: the reviewee once it is released (HR included: nobody reads their own
/// result early); HR and line managers at any time.
pub fn may_see_result(user: &CurrentUser, standing: ReviewStanding, released: bool) -> bool {
    if standing.is_reviewee() {
        return released;
    }
    user.is_hr() || standing.is_line_manager()
}

/// The history of rating changes on a result: HR and line managers, not on their own review.
pub fn may_see_rating_changes(user: &CurrentUser, standing: ReviewStanding) -> bool {
    !standing.is_reviewee() && (user.is_hr() || standing.is_line_manager())
}

/// The calibration page: HR, and anyone with direct reports today (who sees their own
/// organisation: `calibrates_everyone`).
pub fn may_open_calibration(user: &CurrentUser) -> bool {
    user.is_hr() || user.is_manager
}

/// HR calibrates every reviewee and filters by department; a manager sees the reviewees whose
/// launch manager is them or someone below them today.
pub fn calibrates_everyone(user: &CurrentUser) -> bool {
    user.is_hr()
}

/// Changing a final rating: HR and line managers, never on their own review.
pub fn may_change_final_rating(user: &CurrentUser, standing: ReviewStanding) -> bool {
    !standing.is_reviewee() && (user.is_hr() || standing.is_line_manager())
}

/// The nomination page: the reviewee, their launch manager, and HR.
pub fn may_see_nominations(user: &CurrentUser, standing: ReviewStanding) -> bool {
    standing.is_reviewee() || standing.is_launch_manager || user.is_hr()
}

/// Nominating peers: the reviewee only.
pub fn may_nominate_peers(standing: ReviewStanding) -> bool {
    standing.is_reviewee()
}

/// Approving, declining or adding peers: the launch manager or HR, never on their own review.
pub fn may_decide_peers(user: &CurrentUser, standing: ReviewStanding) -> bool {
    !standing.is_reviewee() && (standing.is_launch_manager || user.is_hr())
}

/// Changing peers once writing has opened, when the reviewer set is frozen: HR only (the
/// launch manager could otherwise swap peers until the anonymous group is one they can read).
/// Still never on their own review.
pub fn may_change_frozen_peers(user: &CurrentUser, standing: ReviewStanding) -> bool {
    !standing.is_reviewee() && user.is_hr()
}

/// Acknowledging a result: the reviewee, once it is released.
pub fn may_acknowledge(standing: ReviewStanding, released: bool) -> bool {
    standing.is_reviewee() && released
}

/// Signing a result off: a line manager. HR as such does not sign off: the sign-off is the
/// manager's word that the conversation took place.
pub fn may_sign_off(standing: ReviewStanding) -> bool {
    standing.is_line_manager()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::policy::user;
    use keel_core::people::Role;

    const REVIEWEE: ReviewStanding = ReviewStanding {
        relation: Relation::SELF,
        is_launch_manager: false,
    };
    const COLLEAGUE: ReviewStanding = ReviewStanding {
        relation: Relation::NONE,
        is_launch_manager: false,
    };
    /// The manager recorded at launch, who has since moved elsewhere.
    const LAUNCH_MANAGER: ReviewStanding = ReviewStanding {
        relation: Relation::NONE,
        is_launch_manager: true,
    };
    /// The manager's manager today.
    const SKIP_LEVEL: ReviewStanding = ReviewStanding {
        relation: Relation {
            is_self: false,
            in_chain: true,
            is_direct_manager: false,
        },
        is_launch_manager: false,
    };

    #[test]
    fn results_are_for_line_managers_hr_and_the_reviewee_once_released() {
        let employee = user(&[], false);
        let hr = user(&[Role::HrAdmin], false);
        assert!(!may_see_result(&employee, REVIEWEE, false));
        assert!(may_see_result(&employee, REVIEWEE, true));
        assert!(!may_see_result(&employee, COLLEAGUE, true));
        assert!(may_see_result(&employee, LAUNCH_MANAGER, false));
        assert!(may_see_result(&employee, SKIP_LEVEL, false));
        assert!(may_see_result(&hr, COLLEAGUE, false));
        assert!(
            !may_see_result(&hr, REVIEWEE, false),
            "HR's own, unreleased"
        );
        assert!(!may_see_rating_changes(&hr, REVIEWEE));
        assert!(!may_see_rating_changes(&employee, REVIEWEE));
        assert!(may_see_rating_changes(&employee, SKIP_LEVEL));
    }

    #[test]
    fn nobody_manages_their_own_review() {
        let hr = user(&[Role::HrAdmin], true);
        assert!(!may_change_final_rating(&hr, REVIEWEE));
        assert!(!may_decide_peers(&hr, REVIEWEE));
        assert!(!may_sign_off(REVIEWEE));
        assert!(may_change_final_rating(&hr, COLLEAGUE));
        assert!(may_decide_peers(&hr, COLLEAGUE));
    }

    #[test]
    fn peers_are_decided_by_the_launch_manager_and_results_signed_by_line_managers() {
        let manager = user(&[], true);
        assert!(may_decide_peers(&manager, LAUNCH_MANAGER));
        assert!(!may_decide_peers(&manager, SKIP_LEVEL));
        assert!(may_see_nominations(&manager, LAUNCH_MANAGER));
        assert!(!may_see_nominations(&manager, SKIP_LEVEL));
        assert!(may_sign_off(LAUNCH_MANAGER) && may_sign_off(SKIP_LEVEL));
        assert!(!may_sign_off(COLLEAGUE));
        assert!(may_nominate_peers(REVIEWEE) && !may_nominate_peers(LAUNCH_MANAGER));
        assert!(may_acknowledge(REVIEWEE, true) && !may_acknowledge(REVIEWEE, false));
        assert!(!may_acknowledge(LAUNCH_MANAGER, true));
        // Once writing opens the peers are frozen: HR alone changes them.
        assert!(!may_change_frozen_peers(&manager, LAUNCH_MANAGER));
        let hr = user(&[keel_core::people::Role::HrAdmin], false);
        assert!(may_change_frozen_peers(&hr, COLLEAGUE));
        assert!(!may_change_frozen_peers(&hr, REVIEWEE));
    }

    #[test]
    fn calibration_is_for_hr_and_managers_and_only_hr_sees_everyone() {
        assert!(may_open_calibration(&user(&[], true)));
        assert!(!may_open_calibration(&user(&[], false)));
        assert!(may_open_calibration(&user(&[Role::HrAdmin], false)));
        assert!(!calibrates_everyone(&user(&[], true)));
        assert!(calibrates_everyone(&user(&[Role::HrAdmin], false)));
        assert!(may_administer_reviews(&user(&[Role::HrAdmin], false)));
        assert!(!may_administer_reviews(&user(&[Role::Executive], true)));
    }
}
