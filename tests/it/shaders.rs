//! Every assembled WGSL module parses and validates with naga (the compiler wgpu uses), in
//! f32 and f64, without any GPU: a shader error is caught on every machine.

use huey::engine::gpu::shaders::Source;

#[test]
fn every_shader_validates_in_both_precisions() {
    for source in Source::ALL {
        for f64 in [false, true] {
            let text = source.wgsl(f64);
            let module = naga::front::wgsl::parse_str(&text)
                .unwrap_or_else(|e| panic!("{source:?} f64={f64}: {}", e.emit_to_string(&text)));
            let mut validator =
                naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::FLOAT64);
            validator.validate(&module).unwrap_or_else(|e| panic!("{source:?} f64={f64}: {}", e.emit_to_string(&text)));
        }
    }
}
