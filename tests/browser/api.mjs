// Drives the JS API from a bare page: the origin's 404 page, which loads no
// script of www/, imports pkg/aixin_kiosk.js and keeps the kiosk on window.
// The API must work with nothing but pkg/.

/** Opens the bare page and the kiosk `kioskId` in it; resolves to info(). */
export async function openBare(page, baseUrl, kioskId, options = {}) {
  await page.goto(new URL("pkg/", baseUrl).href);
  return page.evaluate(
    async ({ kioskId, options }) => {
      const module = await import("/pkg/aixin_kiosk.js");
      await module.default();
      window.aixin = module;
      try {
        window.kiosk = await module.Kiosk.open({ kioskId, ...options });
        return window.kiosk.info();
      } catch (error) {
        return { error: { code: error.code, seq: error.seq, message: error.message } };
      }
    },
    { kioskId, options },
  );
}

/** Runs `body(kiosk, arg)` in the page; a rejection comes back as { error }. */
export function inKiosk(page, body, arg) {
  return page.evaluate(
    async ({ source, arg }) => {
      const run = new Function("kiosk", "arg", `return (${source})(kiosk, arg);`);
      try {
        return await run(window.kiosk, arg);
      } catch (error) {
        return { error: { code: error.code, message: error.message, messageEn: error.messageEn } };
      }
    },
    { source: body.toString(), arg },
  );
}
