//! Reading an Office Open XML package's index: the attributes of its
//! elements (`xl/workbook.xml`'s sheets, the relationships) and where a
//! relationship's target is in the package. Used by the splice that writes
//! the Chronology's rows and by the cut of the previous workbook that reads
//! the reviewer's notes.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

/// The attributes of each element named `tag` (its local name) in `xml`,
/// unescaped, by their local names, except that `r:id` (a prefixed `id`)
/// is `r:id`.
///
/// # Errors
///
/// The XML reader's message, when `xml` is not well formed.
pub(crate) fn elements(xml: &str, tag: &str) -> Result<Vec<HashMap<String, String>>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let attrs = |e: &BytesStart| -> Result<HashMap<String, String>, String> {
        let mut m = HashMap::new();
        for a in e.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            let key = match a.key.prefix() {
                Some(_) if a.key.local_name().as_ref() == "id" => "r:id".to_string(),
                _ => a.key.local_name().as_ref().to_string(),
            };
            m.insert(
                key,
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| e.to_string())?
                    .into_owned(),
            );
        }
        Ok(m)
    };
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == tag => {
                out.push(attrs(&e)?);
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// Where the target of one of the workbook's relationships is in the
/// package: relative to `xl/`, or absolute from the package's root.
pub(crate) fn part_path(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    }
}
