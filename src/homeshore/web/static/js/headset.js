// The advisor's headset, chosen on the readiness page and used by the desk's softphone:
// the microphone and the speaker (browser device ids are per browser and per site, so
// the choice is kept in this browser, not on the server).

const KEY = "homeshore.headset";

/** The chosen devices: {input, output, inputLabel, outputLabel} ("" for the default). */
export function chosenHeadset() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(KEY) || "{}");
    return {
      input: saved.input || "",
      output: saved.output || "",
      inputLabel: saved.inputLabel || "",
      outputLabel: saved.outputLabel || "",
    };
  } catch {
    return { input: "", output: "", inputLabel: "", outputLabel: "" };
  }
}

export function chooseHeadset(choice) {
  window.localStorage.setItem(KEY, JSON.stringify(choice));
}

/** The microphone constraint for a call: the chosen one when it is still there (an ideal,
 * not an exact, device: a headset unplugged falls back to the default microphone). */
export function microphoneConstraint() {
  const { input } = chosenHeadset();
  return input ? { deviceId: input } : true;
}

/** Play through the chosen speaker when the browser can pick one. */
export async function useChosenSpeaker(audio) {
  const { output } = chosenHeadset();
  if (!output || typeof audio.setSinkId !== "function") return;
  try {
    await audio.setSinkId(output);
  } catch {
    // the device went away: the default speaker plays
  }
}

/** The audio devices, with their names (asking for the microphone once, as browsers only
 * name devices to a page that may use them). */
export async function listAudioDevices() {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  stream.getTracks().forEach((track) => track.stop());
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    inputs: devices.filter((d) => d.kind === "audioinput"),
    outputs: devices.filter((d) => d.kind === "audiooutput"),
  };
}
