// Pictures of goods: a photo from a file or the kiosk's camera, scaled to
// at most 256 px on a canvas and encoded as WebP (or JPEG where WebP is not
// available) in a data: URL the core accepts — under 48 KB, the quality
// lowered step by step until it fits.

/** The core's limit on a picture's data URL, in characters. */
export const IMAGE_BYTES_MAX = 48 * 1024;
export const IMAGE_SIDE_MAX = 256;

const QUALITIES = [0.86, 0.78, 0.7, 0.6, 0.5, 0.4, 0.3];

/** A decoded picture from a File/Blob: an ImageBitmap, or an <img> via a blob: URL. */
async function decode(blob) {
  if (typeof createImageBitmap === "function") {
    try {
      return await createImageBitmap(blob);
    } catch {
      // fall back to an <img>
    }
  }
  const url = URL.createObjectURL(blob);
  try {
    const image = new Image();
    image.decoding = "async";
    image.src = url;
    await image.decode();
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function sizeOf(source) {
  return {
    width: source.videoWidth || source.naturalWidth || source.width,
    height: source.videoHeight || source.naturalHeight || source.height,
  };
}

/** Draws `source` (image, bitmap or video frame) at most `side` px on a white canvas. */
function draw(source, side) {
  const { width, height } = sizeOf(source);
  if (!width || !height) throw Object.assign(new Error("empty picture"), { code: "PICTURE" });
  const scale = Math.min(1, side / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.imageSmoothingQuality = "high";
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas;
}

/** The smallest-enough data URL of a canvas: WebP if the browser makes it, else JPEG. */
function encode(canvas) {
  const webp = canvas.toDataURL("image/webp", QUALITIES[0]).startsWith("data:image/webp;base64,");
  const type = webp ? "image/webp" : "image/jpeg";
  for (const quality of QUALITIES) {
    const url = canvas.toDataURL(type, quality);
    if (url.length <= IMAGE_BYTES_MAX) return url;
  }
  return null;
}

/** Scales and encodes a picture source; smaller sides are tried if 256 px will not fit. */
export function pictureFrom(source) {
  for (const side of [IMAGE_SIDE_MAX, 200, 160, 120]) {
    const url = encode(draw(source, side));
    if (url) return url;
  }
  throw Object.assign(new Error("picture too large"), { code: "PICTURE" });
}

/** A File from an <input type=file> → a data URL under the limit. */
export async function pictureFromFile(file) {
  if (!file || !/^image\//.test(file.type || "image/")) {
    throw Object.assign(new Error("not a picture"), { code: "PICTURE" });
  }
  const source = await decode(file);
  try {
    return pictureFrom(source);
  } finally {
    source.close?.();
  }
}

/** Whether this browser may have a camera to ask for. */
export function cameraPossible() {
  return Boolean(navigator.mediaDevices?.getUserMedia) && window.isSecureContext;
}

/** Opens the camera into `video`; resolves the stream (stop it with stopCamera). */
export async function startCamera(video) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 960 } },
    audio: false,
  });
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  return stream;
}

export function stopCamera(stream, video) {
  for (const track of stream?.getTracks?.() ?? []) track.stop();
  if (video) video.srcObject = null;
}
