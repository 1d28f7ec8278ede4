//! One writer per kiosk database, and a plea to keep its storage.
//!
//! Two tabs of the kiosk page must not both append to the same journal. The
//! Web Locks API (`navigator.locks`) arbitrates: a tab that gets the writer
//! lock keeps it until [`WriterLock::release`] (or until the tab dies); a tab
//! that does not is told so at once (`ifAvailable`) and stays read-only.
//!
//! `navigator.locks` is bound by hand here because web-sys only exposes its
//! LockManager behind `--cfg=web_sys_unstable_apis`. Nothing here panics.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::StorageManager;

#[wasm_bindgen]
extern "C" {
    /// The `LockManager` of `navigator.locks`.
    type LockManager;
    #[wasm_bindgen(method, catch)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &Object,
        callback: &Function,
    ) -> Result<Promise, JsValue>;
}

/// The result of [`acquire_writer_lock`].
#[derive(Debug)]
pub enum LockOutcome {
    /// This page holds the lock until the [`WriterLock`] is released or dropped.
    Held(WriterLock),
    /// Another tab (or an earlier, unreleased request of this page) holds it.
    HeldElsewhere,
    /// The Web Locks API is missing (e.g. not a secure context) or refused
    /// the request outright.
    Unsupported,
}

/// A granted Web Lock. The lock is held until [`release`](Self::release)
/// or until this value is dropped.
#[derive(Debug)]
pub struct WriterLock {
    /// Resolves the promise the lock callback returned, which ends the lock.
    release: Option<Function>,
    /// The promise `navigator.locks.request` returned: it settles once the
    /// lock has been released.
    request: Promise,
}

impl WriterLock {
    /// Gives the lock up; another tab may then acquire it. The lock manager
    /// lets go asynchronously: use [`release_and_wait`](Self::release_and_wait)
    /// when an acquire that follows must find the lock free.
    pub fn release(self) {
        drop(self);
    }

    /// Gives the lock up and waits until the lock manager has let it go,
    /// so an acquire that follows sees it free.
    pub async fn release_and_wait(mut self) {
        self.end();
        let _ = JsFuture::from(self.request.clone()).await;
    }

    fn end(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        self.end();
    }
}

/// Asks for the exclusive Web Lock `name` without waiting:
/// `navigator.locks.request(name, {ifAvailable: true}, callback)`.
pub async fn acquire_writer_lock(name: &str) -> LockOutcome {
    let Some(locks) = navigator_member("locks") else {
        return LockOutcome::Unsupported;
    };
    let locks = locks.unchecked_into::<LockManager>();

    // `granted` settles from inside the callback: true with the lock, false
    // when the callback got `null` (someone else holds it).
    let mut grant: Option<Function> = None;
    let granted = Promise::new(&mut |resolve, _reject| grant = Some(resolve));
    let Some(grant) = grant else {
        return LockOutcome::Unsupported;
    };
    let release_slot: Rc<Cell<Option<Function>>> = Rc::default();
    let callback = Closure::<dyn FnMut(JsValue) -> JsValue>::once({
        let release_slot = Rc::clone(&release_slot);
        move |lock: JsValue| -> JsValue {
            if lock.is_null() || lock.is_undefined() {
                let _ = grant.call1(&JsValue::UNDEFINED, &JsValue::FALSE);
                return JsValue::UNDEFINED;
            }
            // Held until this promise resolves, which only `release` does.
            let held = Promise::new(&mut |resolve, _reject| release_slot.set(Some(resolve)));
            let _ = grant.call1(&JsValue::UNDEFINED, &JsValue::TRUE);
            held.into()
        }
    });

    let options = Object::new();
    if Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE).is_err() {
        return LockOutcome::Unsupported;
    }
    let Ok(request) = locks.request(name, &options, callback.as_ref().unchecked_ref()) else {
        return LockOutcome::Unsupported;
    };
    // A request that rejects before calling back (e.g. a SecurityError)
    // settles the race instead of leaving it waiting forever.
    let outcome = JsFuture::from(Promise::race(&Array::of2(&granted, &request))).await;
    // Either the callback has run, or the request failed and never will.
    drop(callback);
    match outcome {
        Ok(value) if value == JsValue::TRUE => match release_slot.take() {
            Some(release) => LockOutcome::Held(WriterLock {
                release: Some(release),
                request,
            }),
            None => LockOutcome::Unsupported,
        },
        Ok(value) if value == JsValue::FALSE => LockOutcome::HeldElsewhere,
        _ => LockOutcome::Unsupported,
    }
}

/// Asks the browser to exempt this origin's storage from eviction:
/// `navigator.storage.persist()`. `None` where the API is missing or fails.
pub async fn request_persistent_storage() -> Option<bool> {
    let storage = navigator_member("storage")?
        .dyn_into::<StorageManager>()
        .ok()?;
    let promise = storage.persist().ok()?;
    JsFuture::from(promise).await.ok()?.as_bool()
}

/// `navigator[name]` of the window or worker, if it is an object.
fn navigator_member(name: &str) -> Option<JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
    if !navigator.is_object() {
        return None;
    }
    let member = Reflect::get(&navigator, &JsValue::from_str(name)).ok()?;
    member.is_object().then_some(member)
}
