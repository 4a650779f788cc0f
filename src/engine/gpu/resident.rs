//! The device state of an engine as one set of bindings: a uniform `Params` at binding 0 and
//! growable storage arrays at bindings 1…n (each engine's table in `kernel::<engine>`), one
//! bind-group layout and one bind group, rebuilt when an array grows. Both GPU engines keep
//! their state in one of these.

use super::buffers::{Array, read_back, wait};
use super::device::{GpuDevice, GpuError};
use super::executor::{Dispatch, Executor};
use crate::kernel::DeviceState;

/// One storage array of the table: its binding, WGSL name, element size, first capacity, access.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Its binding in group 0 (the table lists bindings 1, 2, … in order).
    pub binding: u32,
    /// The WGSL variable name (and the buffer's label).
    pub name: &'static str,
    /// Bytes per element.
    pub elem: u64,
    /// Elements to allocate at first.
    pub cap: u64,
    /// Whether the shaders only read it.
    pub read_only: bool,
}

/// The bindings of one engine.
#[derive(Debug)]
pub struct Resident {
    gpu: GpuDevice,
    label: &'static str,
    uniform: wgpu::Buffer,
    arrays: Vec<Array>,
    layout: wgpu::BindGroupLayout,
    bind: wgpu::BindGroup,
}

impl Resident {
    /// The bindings of device state `S`: a uniform of `uniform_bytes` and each storage array
    /// of `S` with `cap(binding)` elements at first.
    pub fn for_state<S: DeviceState>(
        gpu: &GpuDevice,
        label: &'static str,
        uniform_bytes: u64,
        cap: impl Fn(S::Binding) -> u64,
    ) -> Result<Self, GpuError> {
        let specs: Vec<Spec> = S::bindings()
            .iter()
            .map(|&(b, name, read_only)| Spec {
                binding: S::index(b),
                name,
                elem: S::elem_bytes(b),
                cap: cap(b),
                read_only,
            })
            .collect();
        Self::new(gpu, label, uniform_bytes, &specs)
    }

    /// The whole device state, read back in one submission.
    pub fn download<S: DeviceState>(&self) -> Result<S, GpuError> {
        let parts: Vec<(u32, u64)> = S::bindings()
            .iter()
            .map(|&(b, _, _)| {
                let i = S::index(b);
                (i, self.cap(i))
            })
            .collect();
        let bytes = self.read(&parts)?;
        let mut state = S::default();
        for (&(b, _, _), data) in S::bindings().iter().zip(&bytes) {
            state.set_bytes(b, data);
        }
        Ok(state)
    }

    /// Replace the whole device state (the arrays keep at least their capacities).
    pub fn upload<S: DeviceState>(&mut self, state: &S) -> Result<(), GpuError> {
        for &(b, _, _) in S::bindings() {
            self.write(S::index(b), 0, state.bytes(b))?;
        }
        wait(&self.gpu)
    }

    /// One step of the conformance walk (`tests/it/kernels.rs`): read the state back, run
    /// `twin` on a copy, run `dispatches(before)` on the device with group 0 and `extra` groups,
    /// read it back, show `check` all three, then continue from the twin's state.
    pub fn check_kernel<S: DeviceState>(
        &mut self,
        executor: &Executor,
        extra: &[&wgpu::BindGroup],
        dispatches: impl FnOnce(&S) -> Vec<Dispatch>,
        twin: impl FnOnce(&mut S),
        check: impl FnOnce(&S, &S, &S),
    ) -> Result<(), GpuError> {
        let before: S = self.download()?;
        let mut cpu = before.clone();
        twin(&mut cpu);
        let groups: Vec<&wgpu::BindGroup> = std::iter::once(&self.bind).chain(extra.iter().copied()).collect();
        executor.run_now(&dispatches(&before), &groups)?;
        let gpu: S = self.download()?;
        check(&before, &cpu, &gpu);
        self.upload(&cpu)
    }

    /// Allocate the uniform (`uniform_bytes`) and every array of `specs` (binding k + 1),
    /// refusing any larger than a storage binding may be.
    pub fn new(gpu: &GpuDevice, label: &'static str, uniform_bytes: u64, specs: &[Spec]) -> Result<Self, GpuError> {
        if let Some((k, s)) = specs.iter().enumerate().find(|(k, s)| s.binding != *k as u32 + 1) {
            return Err(GpuError::Unsupported(format!(
                "binding table out of order: {} is binding {}, listed {}",
                s.name,
                s.binding,
                k + 1
            )));
        }
        if u64::from(gpu.info.max_storage_buffers) < specs.len() as u64 {
            return Err(GpuError::TooFewBindings { needed: specs.len() as u32, allowed: gpu.info.max_storage_buffers });
        }
        let uniform = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: uniform_bytes,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let arrays = specs.iter().map(|s| Array::new(gpu, s.name, s.elem, s.cap)).collect::<Result<Vec<_>, _>>()?;
        let entry = |binding, ty| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer { ty, has_dynamic_offset: false, min_binding_size: None },
            count: None,
        };
        let mut entries = vec![entry(0, wgpu::BufferBindingType::Uniform)];
        for (k, s) in specs.iter().enumerate() {
            entries.push(entry(k as u32 + 1, wgpu::BufferBindingType::Storage { read_only: s.read_only }));
        }
        let layout = gpu
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor { label: Some(label), entries: &entries });
        let bind = Self::bind_group(gpu, label, &layout, &uniform, &arrays);
        Ok(Self { gpu: gpu.clone(), label, uniform, arrays, layout, bind })
    }

    fn bind_group(
        gpu: &GpuDevice,
        label: &str,
        layout: &wgpu::BindGroupLayout,
        uniform: &wgpu::Buffer,
        arrays: &[Array],
    ) -> wgpu::BindGroup {
        let mut entries = vec![wgpu::BindGroupEntry { binding: 0, resource: uniform.as_entire_binding() }];
        for (k, a) in arrays.iter().enumerate() {
            entries.push(wgpu::BindGroupEntry { binding: k as u32 + 1, resource: a.buffer.as_entire_binding() });
        }
        gpu.device.create_bind_group(&wgpu::BindGroupDescriptor { label: Some(label), layout, entries: &entries })
    }

    fn rebind(&mut self) {
        self.bind = Self::bind_group(&self.gpu, self.label, &self.layout, &self.uniform, &self.arrays);
    }

    /// The layout of group 0.
    pub fn layout(&self) -> &wgpu::BindGroupLayout {
        &self.layout
    }

    /// The bind group of group 0.
    pub fn bind(&self) -> &wgpu::BindGroup {
        &self.bind
    }

    /// Elements binding `binding` can hold.
    pub fn cap(&self, binding: u32) -> u64 {
        self.arrays[binding as usize - 1].cap()
    }

    /// The buffer at `binding`.
    pub fn buffer(&self, binding: u32) -> &wgpu::Buffer {
        &self.arrays[binding as usize - 1].buffer
    }

    /// Make room for `needed` elements at `binding` (contents kept); whether it grew (the
    /// bind group is rebuilt then; capacities in `Params` must be rewritten).
    pub fn reserve(&mut self, binding: u32, needed: u64) -> Result<bool, GpuError> {
        let grew = self.arrays[binding as usize - 1].reserve(&self.gpu, needed)?;
        if grew {
            self.rebind();
        }
        Ok(grew)
    }

    /// Lay `binding` out again as `reps` rows of `per_rep` elements (was: `old_per_rep`), each
    /// row's contents kept ([`Array::restride`]); the bind group is rebuilt.
    pub fn restride(&mut self, binding: u32, old_per_rep: u64, per_rep: u64, reps: u64) -> Result<(), GpuError> {
        self.arrays[binding as usize - 1].restride(&self.gpu, old_per_rep, per_rep, reps)?;
        self.rebind();
        Ok(())
    }

    /// Bytes per element of `binding`.
    pub fn elem(&self, binding: u32) -> u64 {
        self.arrays[binding as usize - 1].elem()
    }

    /// Upload `bytes` at element `at` of `binding`, growing it first when needed; whether
    /// it grew.
    pub fn write(&mut self, binding: u32, at: u64, bytes: &[u8]) -> Result<bool, GpuError> {
        let grew = self.arrays[binding as usize - 1].write(&self.gpu, at, bytes)?;
        if grew {
            self.rebind();
        }
        Ok(grew)
    }

    /// Upload the uniform `Params`.
    pub fn write_uniform(&self, bytes: &[u8]) {
        self.gpu.queue.write_buffer(&self.uniform, 0, bytes);
    }

    /// Read the first `elems` elements of each `(binding, elems)`, in one submission.
    pub fn read(&self, parts: &[(u32, u64)]) -> Result<Vec<Vec<u8>>, GpuError> {
        let ranges: Vec<(&wgpu::Buffer, u64, u64)> = parts
            .iter()
            .map(|&(b, n)| {
                let a = &self.arrays[b as usize - 1];
                (&a.buffer, 0, (n.min(a.cap()) * a.elem()).min(a.bytes()))
            })
            .collect();
        read_back(&self.gpu, &ranges)
    }

    /// Device bytes allocated for the state.
    pub fn memory_bytes(&self) -> usize {
        self.arrays.iter().map(|a| a.bytes() as usize).sum::<usize>() + self.uniform.size() as usize
    }
}
