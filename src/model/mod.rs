//! Plain data shared by every engine and view: the network, its vocabulary and parameters.

pub mod mass;
pub mod network;
pub mod params;
