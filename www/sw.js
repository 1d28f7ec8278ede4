// The kiosk's service worker: keeps every file of one build — page, JS, wasm
// and pictures — in one cache named after the build, and answers from it, so
// the kiosk works with the server gone. A new build is cached whole before it
// takes over, and the old build's cache is deleted only then: the page, the
// JS and the wasm always come from the same build.
importScripts("./pkg/build-manifest.js");

const CACHE_PREFIX = "aixin-build-";
const CACHE = CACHE_PREFIX + self.AIXIN_BUILD;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // cache: "reload" skips the HTTP cache, so every file is this build's.
      await cache.addAll(self.AIXIN_FILES.map((file) => new Request(file, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // Every page of the kiosk is index.html, whatever its query.
      const key = request.mode === "navigate" ? "./" : request;
      const cached = await cache.match(key, { ignoreSearch: request.mode === "navigate" });
      return cached ?? fetch(request);
    })(),
  );
});
