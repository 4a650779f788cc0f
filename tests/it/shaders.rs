//! Every assembled WGSL module parses and validates with naga (the compiler wgpu uses), in f32
//! and f64, without any GPU; and what the host mirrors of it — the uniform structs member by
//! member, the bindings, the counter indices and constants — matches the WGSL exactly.

use huey::engine::gpu::layout::{TemporalParams32, TemporalParams64, Uniform, WindowedParams32, WindowedParams64};
use huey::engine::gpu::shaders::wgsl;
use huey::kernel::{Kernel, TemporalKernel, WindowedKernel, temporal, windowed};
use huey::model::real::Real;

fn module(kernel: Kernel, f64: bool) -> naga::Module {
    let text = wgsl(kernel, f64);
    let module = naga::front::wgsl::parse_str(&text)
        .unwrap_or_else(|e| panic!("{} f64={f64}: {}", kernel.path(), e.emit_to_string(&text)));
    let mut validator =
        naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::FLOAT64);
    validator.validate(&module).unwrap_or_else(|e| panic!("{} f64={f64}: {}", kernel.path(), e.emit_to_string(&text)));
    module
}

#[test]
fn every_shader_validates_in_both_precisions() {
    for kernel in Kernel::all() {
        for f64 in [false, true] {
            let m = module(kernel, f64);
            for entry in kernel.entry_points() {
                assert!(m.entry_points.iter().any(|e| e.name == *entry), "{}: no entry point {entry}", kernel.path());
            }
        }
    }
}

/// (member, offset) of the WGSL struct `name`, padding (`_…`) left out, and its size.
fn wgsl_struct(m: &naga::Module, name: &str) -> (Vec<(String, usize)>, usize) {
    let (_, ty) = m.types.iter().find(|(_, t)| t.name.as_deref() == Some(name)).unwrap_or_else(|| panic!("no {name}"));
    let naga::TypeInner::Struct { members, span } = &ty.inner else { panic!("{name} is not a struct") };
    let fields = members
        .iter()
        .filter_map(|mb| mb.name.clone().filter(|n| !n.starts_with('_')).map(|n| (n, mb.offset as usize)))
        .collect();
    (fields, *span as usize)
}

fn assert_layout<U: Uniform>(m: &naga::Module, what: &str) {
    let (wgsl_fields, span) = wgsl_struct(m, U::WGSL_NAME);
    let rust: Vec<(String, usize)> = U::fields().into_iter().map(|(n, o)| (n.to_owned(), o)).collect();
    assert_eq!(wgsl_fields, rust, "{what}: members and offsets");
    assert_eq!(span, std::mem::size_of::<U>(), "{what}: size");
}

#[test]
fn uniform_structs_match_the_wgsl_member_by_member() {
    for f64 in [false, true] {
        let w = module(WindowedKernel::PairUpdate.into(), f64);
        let t = module(TemporalKernel::PairUpdate.into(), f64);
        if f64 {
            assert_layout::<WindowedParams64>(&w, "windowed f64");
            assert_layout::<TemporalParams64>(&t, "temporal f64");
        } else {
            assert_layout::<WindowedParams32>(&w, "windowed f32");
            assert_layout::<TemporalParams32>(&t, "temporal f32");
        }
        assert_layout::<temporal::Exchange>(&t, "temporal exchange record");
    }
}

/// Group-0 bindings of a module: (binding, name, read-only) for storage, plus the uniform.
fn bindings(m: &naga::Module) -> Vec<(u32, String, bool)> {
    let mut out: Vec<(u32, String, bool)> = m
        .global_variables
        .iter()
        .filter_map(|(_, g)| {
            let b = g.binding.as_ref().filter(|b| b.group == 0)?;
            let read_only = match g.space {
                naga::AddressSpace::Storage { access } => !access.contains(naga::StorageAccess::STORE),
                _ => true,
            };
            Some((b.binding, g.name.clone().unwrap_or_default(), read_only))
        })
        .collect();
    out.sort();
    out
}

fn constant(m: &naga::Module, name: &str) -> u32 {
    let (_, c) =
        m.constants.iter().find(|(_, c)| c.name.as_deref() == Some(name)).unwrap_or_else(|| panic!("no {name}"));
    match m.global_expressions[c.init] {
        naga::Expression::Literal(naga::Literal::U32(v)) => v,
        ref e => panic!("{name} = {e:?}"),
    }
}

#[test]
fn bindings_counters_and_constants_match_the_host() {
    for kernel in Kernel::all() {
        let m = module(kernel, false);
        let got = bindings(&m);
        let want: Vec<(u32, String, bool)> = match kernel {
            Kernel::Windowed(_) => std::iter::once((0, "params".to_owned(), true))
                .chain(windowed::Binding::ALL.iter().map(|&(b, n, ro)| (b as u32, n.to_owned(), ro)))
                .collect(),
            Kernel::Temporal(_) => std::iter::once((0, "params".to_owned(), true))
                .chain(temporal::Binding::ALL.iter().map(|&(b, n, ro)| (b as u32, n.to_owned(), ro)))
                .collect(),
        };
        let mut want = want;
        want.sort();
        assert_eq!(got, want, "{}: bindings", kernel.path());
        match kernel {
            Kernel::Windowed(_) => {
                for &(c, name) in windowed::Counter::ALL {
                    assert_eq!(constant(&m, name), c as u32, "{}: {name}", kernel.path());
                }
                assert_eq!(constant(&m, "DEAD"), windowed::DEAD);
                assert_eq!(constant(&m, "NONE"), windowed::NONE);
            }
            Kernel::Temporal(_) => {
                for &(c, name) in temporal::Counter::ALL {
                    assert_eq!(constant(&m, name), c as u32, "{}: {name}", kernel.path());
                }
                assert_eq!(constant(&m, "DEAD"), temporal::DEAD);
                assert_eq!(constant(&m, "NONE"), temporal::NONE);
            }
        }
        assert_eq!(u64::from(constant(&m, "WG")), huey::engine::gpu::buffers::WORKGROUP, "{}: WG", kernel.path());
    }
    for f64 in [false, true] {
        let m = module(WindowedKernel::Prune.into(), f64);
        let words = if f64 { <f64 as Real>::SUM_WORDS } else { <f32 as Real>::SUM_WORDS };
        assert_eq!(constant(&m, "SUM_WORDS") as usize, words, "fixed-point words f64={f64}");
    }
    let state = module(WindowedKernel::Eviction.into(), false);
    assert_eq!(constant(&state, "STEP_WORDS") as usize, windowed::STEP_WORDS);
    for (name, offset) in windowed::StepRecord::fields() {
        assert_eq!(constant(&state, name) as usize, offset, "step record field {name}");
    }
    let eviction = module(WindowedKernel::Eviction.into(), false);
    assert_eq!(constant(&eviction, "SPEAKER_FIRST"), windowed::SPEAKER_FIRST);
    assert_eq!(constant(&eviction, "RW"), windowed::EVICTION_THREADS);
}

#[test]
fn the_shader_folders_hold_exactly_the_kernels_files() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("shaders");
    let mut found = Vec::new();
    for engine in ["windowed", "temporal"] {
        for entry in std::fs::read_dir(root.join(engine)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name != "state.wgsl" {
                found.push(format!("{engine}/{name}"));
            }
        }
    }
    found.sort();
    let mut kernels: Vec<String> = Kernel::all().map(Kernel::path).collect();
    kernels.sort();
    assert_eq!(found, kernels, "every WGSL file is a kernel and every kernel has its file");
}
