import { describe, expect, it } from "vitest";

import { changes, formOf, languageList, problems } from "./profile";

const DOCTOR = { bio: "Cardiologist.", languages: ["en", "de"], clinic: "Heart Clinic", location: "Berlin", photo_url: null, accepting_new_patients: true };

describe("the profile form", () => {
  it("sends only what changed", () => {
    const loaded = formOf(DOCTOR);
    expect(changes(loaded, { ...loaded })).toEqual({});
    expect(changes(loaded, { ...loaded, languages: "EN,  de ; pt-br", accepting_new_patients: false })).toEqual({
      languages: ["en", "de", "pt-BR"],
      accepting_new_patients: false,
    });
    expect(changes({ ...loaded, photo_url: "https://x.test/a.jpg" }, { ...loaded, photo_url: " " })).toEqual({ photo_url: null });
  });

  it("checks the server's rules first", () => {
    expect(problems({ languages: languageList("en, english") }).languages).toContain("english");
    expect(problems({ photo_url: "ftp://x" }).photo_url).toContain("http(s)");
    expect(problems({ bio: "ok", photo_url: "https://x.test/a.jpg" })).toEqual({});
  });
});
