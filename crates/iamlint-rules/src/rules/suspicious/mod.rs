pub mod unused_suppression;
