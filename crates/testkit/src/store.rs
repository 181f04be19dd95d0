//! [`DocStore`]: the documents a [`FakeCluster`](crate::FakeCluster) built with
//! `store_documents(true)` keeps, so tests can count on the server side what was applied.
//!
//! It implements what bulk loaders and their tests need, with Elasticsearch's answers:
//! `_bulk` (`index`, `create` with 409 on an existing id, `update` with `doc`, `delete`),
//! `GET /{index}/_doc/{id}`, `_mget` and `_count`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Map, Value};

use crate::script::Reply;

/// One stored document.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDoc {
    /// Its source.
    pub source: Value,
    /// `_version` (1 when created, +1 per write).
    pub version: u64,
    /// `_seq_no` of the last write (cluster-wide, increasing).
    pub seq_no: u64,
}

#[derive(Default)]
struct Inner {
    docs: BTreeMap<(String, String), StoredDoc>,
}

/// The fake cluster's documents. Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct DocStore {
    inner: Arc<Mutex<Inner>>,
    seq_no: Arc<AtomicU64>,
    writes: Arc<AtomicU64>,
    auto_id: Arc<AtomicU64>,
}

impl std::fmt::Debug for DocStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocStore")
            .field("docs", &self.len())
            .field("writes", &self.writes())
            .finish()
    }
}

impl DocStore {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.lock().docs.len()
    }

    /// Whether there is no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes applied (created, updated or deleted documents), from the start.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }

    /// The ids stored in `index`.
    pub fn ids(&self, index: &str) -> BTreeSet<String> {
        self.lock()
            .docs
            .keys()
            .filter(|(i, _)| i == index)
            .map(|(_, id)| id.clone())
            .collect()
    }

    /// One document.
    pub fn get(&self, index: &str, id: &str) -> Option<StoredDoc> {
        self.lock().docs.get(&(index.into(), id.into())).cloned()
    }

    /// Stores a document directly (to prepare a conflict, say).
    pub fn insert(&self, index: &str, id: &str, source: Value) {
        let mut inner = self.lock();
        self.write(&mut inner, index, id, source);
    }

    /// Forgets every document.
    pub fn clear(&self) {
        self.lock().docs.clear();
    }

    fn write(
        &self,
        inner: &mut Inner,
        index: &str,
        id: &str,
        source: Value,
    ) -> (u64, &'static str) {
        let seq_no = self.seq_no.fetch_add(1, Ordering::SeqCst);
        self.writes.fetch_add(1, Ordering::SeqCst);
        let key = (index.to_string(), id.to_string());
        match inner.docs.get_mut(&key) {
            Some(d) => {
                d.source = source;
                d.version += 1;
                d.seq_no = seq_no;
                (d.version, "updated")
            }
            None => {
                inner.docs.insert(
                    key,
                    StoredDoc {
                        source,
                        version: 1,
                        seq_no,
                    },
                );
                (1, "created")
            }
        }
    }

    /// Answers a `_bulk` body (`path_index`: the `{index}` of `/{index}/_bulk`).
    pub(crate) fn bulk(&self, path_index: Option<&str>, body: &[u8]) -> Reply {
        let mut lines = body
            .split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace));
        let mut items = Vec::new();
        let mut errors = false;
        let mut inner = self.lock();
        while let Some(line) = lines.next() {
            let Ok(Value::Object(action)) = serde_json::from_slice::<Value>(line) else {
                return bad_request("Malformed action/metadata line: expected an object");
            };
            let Some((op, meta)) = action.into_iter().next() else {
                return bad_request("Malformed action/metadata line: empty object");
            };
            let source = if op == "delete" {
                None
            } else {
                match lines.next().map(serde_json::from_slice::<Value>) {
                    Some(Ok(v @ Value::Object(_))) => Some(v),
                    _ => return bad_request("The bulk request must be terminated by a newline"),
                }
            };
            let index = meta
                .get("_index")
                .and_then(Value::as_str)
                .or(path_index)
                .unwrap_or("")
                .to_string();
            if index.is_empty() {
                return bad_request("index is missing");
            }
            let id = match meta.get("_id").and_then(Value::as_str) {
                Some(id) => id.to_string(),
                None if op == "index" || op == "create" => {
                    format!("auto-{}", self.auto_id.fetch_add(1, Ordering::SeqCst))
                }
                None => return bad_request("an id is required for this operation"),
            };
            let key = (index.clone(), id.clone());
            let item = match (op.as_str(), source) {
                ("index", Some(src)) => {
                    let (version, result) = self.write(&mut inner, &index, &id, src);
                    ok_item(&index, &id, version, result, &inner)
                }
                ("create", Some(src)) => {
                    if let Some(existing) = inner.docs.get(&key) {
                        errors = true;
                        conflict(&index, &id, existing.version)
                    } else {
                        let (version, result) = self.write(&mut inner, &index, &id, src);
                        ok_item(&index, &id, version, result, &inner)
                    }
                }
                ("update", Some(src)) => match inner.docs.get(&key).cloned() {
                    Some(existing) => {
                        let mut merged = existing.source;
                        if let (Value::Object(m), Some(Value::Object(doc))) =
                            (&mut merged, src.get("doc"))
                        {
                            for (k, v) in doc {
                                m.insert(k.clone(), v.clone());
                            }
                        }
                        let (version, result) = self.write(&mut inner, &index, &id, merged);
                        ok_item(&index, &id, version, result, &inner)
                    }
                    None => {
                        errors = true;
                        missing(&index, &id)
                    }
                },
                ("delete", None) => match inner.docs.remove(&key) {
                    Some(d) => {
                        self.writes.fetch_add(1, Ordering::SeqCst);
                        let seq_no = self.seq_no.fetch_add(1, Ordering::SeqCst);
                        json!({"_index": index, "_id": id, "_version": d.version + 1,
                               "result": "deleted", "_seq_no": seq_no, "_primary_term": 1,
                               "status": 200})
                    }
                    None => json!({"_index": index, "_id": id, "result": "not_found",
                                   "status": 404}),
                },
                (other, _) => {
                    return bad_request(&format!(
                        "Malformed action/metadata line: unknown operation [{other}]"
                    ))
                }
            };
            let mut wrapped = Map::new();
            wrapped.insert(op, item);
            items.push(Value::Object(wrapped));
        }
        Reply::json(200, json!({"took": 1, "errors": errors, "items": items}))
    }

    /// `GET /{index}/_doc/{id}`.
    pub(crate) fn get_doc(&self, index: &str, id: &str) -> Reply {
        match self.get(index, id) {
            Some(d) => Reply::json(200, found(index, id, &d)),
            None => Reply::json(404, json!({"_index": index, "_id": id, "found": false})),
        }
    }

    /// `_mget` with `docs` or `ids`.
    pub(crate) fn mget(&self, path_index: Option<&str>, body: &[u8]) -> Reply {
        let Ok(req) = serde_json::from_slice::<Value>(body) else {
            return bad_request("unreadable _mget body");
        };
        let mut wanted: Vec<(String, String)> = Vec::new();
        if let Some(docs) = req.get("docs").and_then(Value::as_array) {
            for d in docs {
                let index = d.get("_index").and_then(Value::as_str).or(path_index);
                if let (Some(i), Some(id)) = (index, d.get("_id").and_then(Value::as_str)) {
                    wanted.push((i.into(), id.into()));
                }
            }
        }
        if let (Some(ids), Some(i)) = (req.get("ids").and_then(Value::as_array), path_index) {
            for id in ids.iter().filter_map(Value::as_str) {
                wanted.push((i.into(), id.into()));
            }
        }
        let docs: Vec<Value> = wanted
            .iter()
            .map(|(i, id)| match self.get(i, id) {
                Some(d) => found(i, id, &d),
                None => json!({"_index": i, "_id": id, "found": false}),
            })
            .collect();
        Reply::json(200, json!({ "docs": docs }))
    }

    /// `_count` of an index.
    pub(crate) fn count(&self, index: &str) -> Reply {
        let n = self.ids(index).len();
        Reply::json(
            200,
            json!({"count": n, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}}),
        )
    }
}

fn found(index: &str, id: &str, d: &StoredDoc) -> Value {
    json!({"_index": index, "_id": id, "_version": d.version, "_seq_no": d.seq_no,
           "_primary_term": 1, "found": true, "_source": d.source})
}

fn ok_item(index: &str, id: &str, version: u64, result: &str, inner: &Inner) -> Value {
    let seq_no = inner
        .docs
        .get(&(index.to_string(), id.to_string()))
        .map_or(0, |d| d.seq_no);
    let status = if result == "created" { 201 } else { 200 };
    json!({"_index": index, "_id": id, "_version": version, "result": result,
           "_shards": {"total": 1, "successful": 1, "failed": 0},
           "_seq_no": seq_no, "_primary_term": 1, "status": status})
}

fn conflict(index: &str, id: &str, version: u64) -> Value {
    json!({"_index": index, "_id": id, "status": 409, "error": {
        "type": "version_conflict_engine_exception",
        "reason": format!("[{id}]: version conflict, document already exists (current version [{version}])"),
        "index": index}})
}

fn missing(index: &str, id: &str) -> Value {
    json!({"_index": index, "_id": id, "status": 404, "error": {
        "type": "document_missing_exception",
        "reason": format!("[{id}]: document missing"), "index": index}})
}

fn bad_request(reason: &str) -> Reply {
    Reply::json(
        400,
        json!({"error": {"root_cause": [{"type": "illegal_argument_exception", "reason": reason}],
                         "type": "illegal_argument_exception", "reason": reason},
               "status": 400}),
    )
}
