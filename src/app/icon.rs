//! The window's icon and application id: the 256 px rendering of `packaging/icons/huey.svg`
//! (the desktop entry's icon), compiled in, and the id the desktop entry and the AppStream
//! metadata are named by (Wayland matches windows to desktop entries by it).

/// The application id (reverse DNS), as `packaging/linux/` names its files.
pub const APP_ID: &str = "org.hueyrs.Huey";

const PNG: &[u8] = include_bytes!("../../packaging/icons/hicolor/256x256/apps/org.hueyrs.Huey.png");

/// The icon as RGBA pixels; `None` if the embedded PNG did not decode (then eframe's default).
pub fn icon() -> Option<egui::IconData> {
    let image = image::load_from_memory_with_format(PNG, image::ImageFormat::Png).ok()?.into_rgba8();
    let (width, height) = image.dimensions();
    Some(egui::IconData { rgba: image.into_raw(), width, height })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_icon_decodes_at_256_px() {
        let icon = super::icon().expect("the icon decodes");
        assert_eq!((icon.width, icon.height, icon.rgba.len()), (256, 256, 256 * 256 * 4));
        // Not blank: the corners are transparent (rounded square), the centre is not.
        let alpha = |x: usize, y: usize| icon.rgba[(y * 256 + x) * 4 + 3];
        assert_eq!(alpha(0, 0), 0);
        assert_eq!(alpha(128, 128), 255);
    }
}
