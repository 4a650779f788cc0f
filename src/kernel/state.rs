//! The device state of an engine as plain data: one `Vec` per storage binding of its
//! `state.wgsl`, declared once by [`device_state!`] (the binding enum, its table of WGSL names
//! and access, element sizes, byte access), and compared by the engines' `diff`.

/// What the GPU side needs of a device state: its bindings and their bytes.
pub trait DeviceState: Clone + Default + PartialEq {
    /// The binding enum.
    type Binding: Copy + 'static;
    /// Every storage binding: (binding, WGSL name, read-only in the shaders).
    fn bindings() -> &'static [(Self::Binding, &'static str, bool)];
    /// The binding's index in group 0.
    fn index(binding: Self::Binding) -> u32;
    /// Bytes per element of `binding` (in this state's precision).
    fn elem_bytes(binding: Self::Binding) -> u64;
    /// The bytes of `binding` (what is uploaded).
    fn bytes(&self, binding: Self::Binding) -> &[u8];
    /// Replace `binding` with read-back `bytes` (whole elements).
    fn set_bytes(&mut self, binding: Self::Binding, bytes: &[u8]);
}

/// Elements of type `T` from bytes (whole elements; alignment need not hold).
pub fn elements<T: bytemuck::Pod>(bytes: &[u8]) -> Vec<T> {
    bytes.chunks_exact(std::mem::size_of::<T>()).map(bytemuck::pod_read_unaligned).collect()
}

/// Declare a device state: `index Variant field: ElementType [per N]?, ro|rw;` per binding.
macro_rules! device_state {
    ($(#[$sdoc:meta])* $state:ident, $(#[$bdoc:meta])* $binding:ident {
        $($(#[$doc:meta])* $index:literal $variant:ident $field:ident: $ty:ty $([per $mult:expr])?, $access:ident;)+
    }) => {
        $(#[$bdoc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $binding {
            $($(#[$doc])* $variant = $index,)+
        }

        impl $binding {
            /// Every storage binding, with its WGSL variable name and whether shaders only read it.
            pub const ALL: &'static [(Self, &'static str, bool)] =
                &[$((Self::$variant, stringify!($field), device_state!(@read_only $access)),)+];

            /// Bytes per element in precision `R`.
            pub fn elem_bytes<R: Real>(self) -> u64 {
                match self {
                    $(Self::$variant => (std::mem::size_of::<$ty>() $(* $mult)?) as u64,)+
                }
            }
        }

        $(#[$sdoc])*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $state<R> {
            $($(#[$doc])* pub $field: Vec<$ty>,)+
        }

        impl<R> Default for $state<R> {
            fn default() -> Self {
                Self { $($field: Vec::new(),)+ }
            }
        }

        impl<R: Real> $crate::kernel::DeviceState for $state<R> {
            type Binding = $binding;

            fn bindings() -> &'static [($binding, &'static str, bool)] {
                $binding::ALL
            }

            fn index(binding: $binding) -> u32 {
                binding as u32
            }

            fn elem_bytes(binding: $binding) -> u64 {
                binding.elem_bytes::<R>()
            }

            fn bytes(&self, binding: $binding) -> &[u8] {
                match binding {
                    $($binding::$variant => bytemuck::cast_slice(&self.$field),)+
                }
            }

            fn set_bytes(&mut self, binding: $binding, bytes: &[u8]) {
                match binding {
                    $($binding::$variant => self.$field = $crate::kernel::state::elements(bytes),)+
                }
            }
        }
    };
    (@read_only ro) => { true };
    (@read_only rw) => { false };
}

/// Declare a counters enum and its WGSL names from one list: `Variant = index "WGSL_NAME";`.
macro_rules! counters {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $index:literal $wgsl:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant = $index,)+
        }

        impl $name {
            /// Every counter with its WGSL name.
            pub const ALL: &'static [(Self, &'static str)] = &[$((Self::$variant, $wgsl)),+];
        }
    };
}
