//! Who may do what. Roles are what accounts hold; capabilities are what code holds: a
//! function that approves catalog changes takes a `CatalogReviewer`, which only an actor
//! with the reform-office role can produce, so the check cannot be forgotten.

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员
    Admin,
    /// 审改办: owns the catalog
    ReformOffice,
    /// 综合窗口
    WindowClerk,
    /// 部门审核人
    DepartmentReviewer,
    /// 部门审批人
    DepartmentApprover,
    /// 部门负责人: grants extensions
    DepartmentHead,
    /// 大厅管理员: runs a service hall (windows, queues, appointments)
    HallManager,
    /// 12345热线坐席
    HotlineAgent,
    /// 电子监察
    Supervisor,
    /// a natural person applying
    Citizen,
    /// an organisation applying
    Enterprise,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::Admin,
        Role::ReformOffice,
        Role::WindowClerk,
        Role::DepartmentReviewer,
        Role::DepartmentApprover,
        Role::DepartmentHead,
        Role::HallManager,
        Role::HotlineAgent,
        Role::Supervisor,
        Role::Citizen,
        Role::Enterprise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ReformOffice => "reform_office",
            Role::WindowClerk => "window_clerk",
            Role::DepartmentReviewer => "department_reviewer",
            Role::DepartmentApprover => "department_approver",
            Role::DepartmentHead => "department_head",
            Role::HallManager => "hall_manager",
            Role::HotlineAgent => "hotline_agent",
            Role::Supervisor => "supervisor",
            Role::Citizen => "citizen",
            Role::Enterprise => "enterprise",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::ReformOffice => "审改办",
            Role::WindowClerk => "综合窗口",
            Role::DepartmentReviewer => "部门审核",
            Role::DepartmentApprover => "部门审批",
            Role::DepartmentHead => "部门负责人",
            Role::HallManager => "大厅管理",
            Role::HotlineAgent => "12345热线坐席",
            Role::Supervisor => "电子监察",
            Role::Citizen => "自然人",
            Role::Enterprise => "法人",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Role::Admin => "administrator",
            Role::ReformOffice => "reform office",
            Role::WindowClerk => "window clerk",
            Role::DepartmentReviewer => "department reviewer",
            Role::DepartmentApprover => "department approver",
            Role::DepartmentHead => "department head",
            Role::HallManager => "hall manager",
            Role::HotlineAgent => "hotline agent",
            Role::Supervisor => "supervisor",
            Role::Citizen => "citizen",
            Role::Enterprise => "enterprise",
        }
    }

    /// Staff of a department act for it in the catalog.
    pub fn is_department_staff(self) -> bool {
        matches!(
            self,
            Role::DepartmentReviewer | Role::DepartmentApprover | Role::DepartmentHead
        )
    }

    /// Applicants' roles come with the kind of account (a registered person, an
    /// organisation); an administrator grants only staff roles.
    pub fn is_applicant(self) -> bool {
        matches!(self, Role::Citizen | Role::Enterprise)
    }

    /// The roles an administrator may grant.
    pub fn staff() -> impl Iterator<Item = Role> {
        Self::ALL.into_iter().filter(|r| !r.is_applicant())
    }
}

/// An authenticated person, as the web layer resolved them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub department_id: Option<i64>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The capability to decide on catalog change requests (审改办 only).
    pub fn catalog_reviewer(&self) -> Option<CatalogReviewer<'_>> {
        self.has(Role::ReformOffice)
            .then_some(CatalogReviewer { actor: self })
    }

    /// The capability to propose catalog changes for one's own department.
    pub fn department_staff(&self) -> Option<DepartmentStaff<'_>> {
        let department_id = self.department_id?;
        let role = self
            .roles
            .iter()
            .copied()
            .find(|r| r.is_department_staff())?;
        Some(DepartmentStaff {
            actor: self,
            department_id,
            role,
        })
    }

    /// The role recorded for an act that any of these roles could perform.
    pub fn acting_role(&self, allowed: &[Role]) -> Option<Role> {
        self.roles.iter().copied().find(|r| allowed.contains(r))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct CatalogReviewer<'a> {
    pub actor: &'a Actor,
}

#[derive(Debug, Clone, Copy)]
pub struct DepartmentStaff<'a> {
    pub actor: &'a Actor,
    pub department_id: i64,
    pub role: Role,
}

/// An actor with these roles, for the tests of capabilities.
#[cfg(test)]
pub(crate) fn test_actor(roles: &[Role], department_id: Option<i64>) -> Actor {
    Actor {
        user_id: 1,
        username: "u".into(),
        display_name: "U".into(),
        roles: roles.to_vec(),
        department_id,
    }
}

#[cfg(test)]
mod tests {
    use super::test_actor as actor;
    use super::*;

    #[test]
    fn capabilities_follow_roles() {
        assert!(
            actor(&[Role::ReformOffice], None)
                .catalog_reviewer()
                .is_some()
        );
        assert!(actor(&[Role::Admin], None).catalog_reviewer().is_none());
        assert!(
            actor(&[Role::DepartmentReviewer], Some(3))
                .department_staff()
                .is_some()
        );
        assert!(
            actor(&[Role::DepartmentReviewer], None)
                .department_staff()
                .is_none()
        );
        assert!(
            actor(&[Role::WindowClerk], Some(3))
                .department_staff()
                .is_none()
        );
        assert_eq!(Role::parse("reform_office"), Some(Role::ReformOffice));
        assert!(
            Role::ALL
                .iter()
                .all(|r| Role::parse(r.as_str()) == Some(*r))
        );
    }
}
