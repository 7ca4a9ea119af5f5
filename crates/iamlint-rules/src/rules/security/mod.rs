pub mod allow_not_action;
pub mod allow_not_resource;
pub mod assume_role_unrestricted;
pub mod full_admin_access;
pub mod pass_role_unrestricted;
pub mod service_wildcard_action;
pub mod trust_any_principal;
pub mod write_on_any_resource;
