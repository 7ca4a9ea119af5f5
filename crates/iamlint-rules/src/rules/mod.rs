pub mod correctness;
pub mod security;
pub mod suspicious;
