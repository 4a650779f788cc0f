//! `#[repr(C)]` mirrors of the WGSL uniform structs, one per precision, checked at compile
//! time against the WGSL sizes and, member by member, against the assembled shaders by naga
//! (`tests/it/shaders.rs`): no positional packing matched by eye.

use bytemuck::{Pod, Zeroable};

use crate::kernel::{temporal, windowed};
use crate::model::real::Real;

/// A uniform struct: its members' names and byte offsets, for the layout test.
pub trait Uniform: Pod {
    /// The WGSL struct's name.
    const WGSL_NAME: &'static str;
    /// (member, byte offset), padding excluded.
    fn fields() -> Vec<(&'static str, usize)>;
}

/// One uniform struct per precision from one list of members: u32 members, u32 padding,
/// `real` members, `real` padding, and the WGSL sizes in f32 and f64.
macro_rules! uniform {
    ($wgsl:literal, $src:ty, $f32:ident, $f64:ident, size ($s32:literal, $s64:literal),
     u32 [$($u:ident),*], pad32 $pu:literal, real [$($r:ident),*], pad_real $pr:literal) => {
        uniform!(@one $wgsl, $src, $f32, f32, $s32, [$($u),*], $pu, [$($r),*], $pr);
        uniform!(@one $wgsl, $src, $f64, f64, $s64, [$($u),*], $pu, [$($r),*], $pr);
    };
    (@one $wgsl:literal, $src:ty, $name:ident, $real:ty, $size:literal, [$($u:ident),*], $pu:literal, [$($r:ident),*], $pr:literal) => {
        #[doc = concat!("The WGSL `", $wgsl, "` with `real` = ", stringify!($real), ".")]
        #[repr(C)]
        #[derive(Clone, Copy, Debug, Pod, Zeroable)]
        pub struct $name {
            $(#[doc = stringify!($u)] pub $u: u32,)*
            _pad_u32: [u32; $pu],
            $(#[doc = stringify!($r)] pub $r: $real,)*
            _pad_real: [$real; $pr],
        }

        const _: () = assert!(std::mem::size_of::<$name>() == $size);

        impl<R: Real> From<&$src> for $name {
            #[allow(clippy::cast_possible_truncation, reason = "R is this struct's precision")]
            fn from(p: &$src) -> Self {
                Self {
                    $($u: p.$u,)*
                    _pad_u32: [0; $pu],
                    $($r: p.$r.to_f64() as $real,)*
                    _pad_real: [0.0; $pr],
                }
            }
        }

        impl Uniform for $name {
            const WGSL_NAME: &'static str = $wgsl;
            fn fields() -> Vec<(&'static str, usize)> {
                vec![$((stringify!($u), std::mem::offset_of!($name, $u)),)* $((stringify!($r), std::mem::offset_of!($name, $r)),)*]
            }
        }
    };
}

uniform!("Params", windowed::Params<R>, WindowedParams32, WindowedParams64, size (112, 176),
    u32 [window, max_neurons, max_conn, threshold, seed_lo, seed_hi, dense_min_ids, ids_cap, slots_cap, tokens_offset,
        input_stride, words_cap],
    pad32 0,
    real [eta, act_decay, act_floor, conn_decay, decay_floor, removal, prune, m_max, a0, k, homeostatic, ltd, rate],
    pad_real 3);

uniform!("Params", temporal::Params<R>, TemporalParams32, TemporalParams64, size (48, 80),
    u32 [pow_len, slots_cap],
    pad32 2,
    real [one, eta, prune, mass_target, m_max, rate, homeostatic, ltd],
    pad_real 0);

impl Uniform for temporal::Exchange {
    const WGSL_NAME: &'static str = "Exchange";
    fn fields() -> Vec<(&'static str, usize)> {
        use std::mem::offset_of;
        vec![
            ("d_offset", offset_of!(Self, d_offset)),
            ("occ_start", offset_of!(Self, occ_start)),
            ("occ_pos", offset_of!(Self, occ_pos)),
            ("d", offset_of!(Self, d)),
            ("len", offset_of!(Self, len)),
            ("now", offset_of!(Self, now)),
        ]
    }
}

/// The bytes of the windowed engine's `Params` in precision `R`.
pub fn windowed_params<R: Real>(p: &windowed::Params<R>) -> Vec<u8> {
    if R::IS_F64 {
        bytemuck::bytes_of(&WindowedParams64::from(p)).to_vec()
    } else {
        bytemuck::bytes_of(&WindowedParams32::from(p)).to_vec()
    }
}

/// The bytes of the temporal engine's `Params` in precision `R`.
pub fn temporal_params<R: Real>(p: &temporal::Params<R>) -> Vec<u8> {
    if R::IS_F64 {
        bytemuck::bytes_of(&TemporalParams64::from(p)).to_vec()
    } else {
        bytemuck::bytes_of(&TemporalParams32::from(p)).to_vec()
    }
}
