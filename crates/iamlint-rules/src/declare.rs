/// Declares a rule: a unit struct plus its [`RuleMeta`](crate::RuleMeta), whose `docs` is the
/// doc comment (sections *What it does*, *Why is this bad?*, *Example*, *Use instead*,
/// *References*; the examples are run as tests).
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub struct FullAdminAccess {
///         name: "full-admin-access",
///         category: Security,
///         severity: Critical,
///         summary: "a statement allows every action on every resource",
///     }
/// }
/// ```
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $ty:ident {
            name: $name:literal,
            category: $category:ident,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
            $(phase: $phase:ident $(,)?)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $ty;

        impl $crate::rule::Declared for $ty {
            const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                name: $name,
                category: $crate::rule::Category::$category,
                severity: $crate::rule::Severity::$severity,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                phase: declare_rule!(@phase $($phase)?),
            };
        }
    };
    (@phase) => { $crate::rule::Phase::Model };
    (@phase $phase:ident) => { $crate::rule::Phase::$phase };
}
