import { describe, expect, it } from "vitest";

import { findSpecializations, matchSymptoms, normalize, SYMPTOMS } from "./symptoms";

const CATALOG = [
  { slug: "cardiology", name: "Cardiology", description: "Heart and blood vessels: chest pain, hypertension, arrhythmia." },
  { slug: "dermatology", name: "Dermatology", description: "Skin, hair and nails." },
  { slug: "gastroenterology", name: "Gastroenterology", description: "Digestive system, liver and pancreas." },
  { slug: "general-practice", name: "General Practice", description: "First point of contact for any health concern." },
  { slug: "otolaryngology", name: "Otolaryngology (ENT)", description: "Ear, nose and throat." },
  { slug: "pulmonology", name: "Pulmonology", description: "Lungs and breathing." },
];

const slugs = (text: string) => matchSymptoms(text).map((m) => m.slug);

describe("symptom matching", () => {
  it.each(["chest pain", "heart", "palpitations", "Palpitations!", "pain in my chest", "high blood pressure"])(
    "sends %j to cardiology first",
    (text) => expect(slugs(text)[0]).toBe("cardiology"),
  );

  it.each(["rash", "skin", "rashes", "my skin itches", "Ekzem eczema"])("sends %j to dermatology first", (text) => {
    expect(slugs(text)[0]).toBe("dermatology");
  });

  it("matches a word while it is still being typed", () => {
    expect(slugs("palp")[0]).toBe("cardiology");
    expect(matchSymptoms("chest tigh")[0]).toMatchObject({ slug: "cardiology", term: "chest tightness" });
  });

  it("prefers the whole word over a longer word that starts with it", () => {
    const found = slugs("heart");
    expect(found.indexOf("cardiology")).toBeLessThan(found.indexOf("gastroenterology")); // heartburn comes later
  });

  it("offers every specialization that treats a shared symptom", () => {
    expect(slugs("cough")).toEqual(expect.arrayContaining(["general-practice", "pulmonology"]));
  });

  it("ignores case, accents and punctuation, and finds nothing in noise", () => {
    expect(normalize("  Ça  fait MAL: Hérz! ")).toBe("ca fait mal herz");
    expect(matchSymptoms("x")).toEqual([]);
    expect(matchSymptoms("qwertyuiop")).toEqual([]);
  });

  it("only names slugs of the Doctor-MS catalog", () => {
    const catalog = [
      "allergy-immunology", "cardiology", "dermatology", "endocrinology", "gastroenterology", "general-practice",
      "nephrology", "neurology", "obstetrics-gynecology", "oncology", "ophthalmology", "orthopedics",
      "otolaryngology", "pediatrics", "psychiatry", "pulmonology", "rheumatology", "urology",
    ]; // prettier-ignore
    expect(Object.keys(SYMPTOMS).sort()).toEqual(catalog);
  });
});

describe("finding specializations", () => {
  it("matches the name before any symptom, and says which symptom matched", () => {
    expect(findSpecializations("cardio", CATALOG)[0]).toMatchObject({ specialization: { slug: "cardiology" }, because: null });
    expect(findSpecializations("chest pain", CATALOG)[0]).toMatchObject({ specialization: { slug: "cardiology" }, because: "chest pain" });
  });

  it("matches words of a description when no symptom list has them", () => {
    expect(findSpecializations("arrhythmia", CATALOG).map((m) => m.specialization.slug)).toContain("cardiology");
    expect(findSpecializations("pancreas", CATALOG)[0]?.specialization.slug).toBe("gastroenterology");
  });

  it("finds ENT by its short name and by the throat", () => {
    expect(findSpecializations("ent", CATALOG)[0]?.specialization.slug).toBe("otolaryngology");
    expect(findSpecializations("sore throat", CATALOG)[0]?.specialization.slug).toBe("otolaryngology");
  });

  it("answers nothing for text too short to mean anything", () => {
    expect(findSpecializations("a", CATALOG)).toEqual([]);
  });
});
