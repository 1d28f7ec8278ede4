// Optional voice: when the kiosk's setting localStorage "aixin:voice" is on
// and the browser has a Mandarin (zh-CN) voice, the page reads out the
// balance, the total and the result.

const VOICE_KEY = "aixin:voice";

export function voiceEnabled() {
  try {
    const setting = localStorage.getItem(VOICE_KEY);
    return setting !== null && ["1", "on", "true", "yes"].includes(setting.trim().toLowerCase());
  } catch {
    return false;
  }
}

function chineseVoice(synth) {
  const voices = synth.getVoices();
  const normal = (code) => String(code ?? "").replace("_", "-").toLowerCase();
  return (
    voices.find((voice) => normal(voice.lang) === "zh-cn") ??
    voices.find((voice) => normal(voice.lang).startsWith("zh-hans")) ??
    null
  );
}

/** Speaks `text` (Chinese) if the setting is on and a zh-CN voice exists. */
export function speak(text) {
  if (!voiceEnabled() || !text) return;
  const synth = globalThis.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance !== "function") return;
  const voice = chineseVoice(synth);
  if (!voice) return;
  try {
    synth.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.voice = voice;
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    synth.speak(utterance);
  } catch {
    // Voice is a help, never a requirement.
  }
}

/** Stops anything being read out. */
export function hush() {
  try {
    globalThis.speechSynthesis?.cancel();
  } catch {
    // ignore
  }
}
