// What a patient types ("chest pain", "my skin itches", "Fischer") mapped to the specializations that treat it.
// The slugs are Doctor-MS's catalog (services/doctor/migrations/versions/0002_specialization_catalog.py).

/** Words and phrases a patient might use, per specialization slug. Matching ignores case and accents. */
export const SYMPTOMS: Record<string, readonly string[]> = {
  "allergy-immunology": ["allergy", "allergic", "hay fever", "sneezing", "hives", "food allergy", "anaphylaxis", "immune"],
  cardiology: [
    "chest pain", "chest tightness", "heart", "palpitations", "racing heart", "irregular heartbeat", "heartbeat",
    "blood pressure", "high blood pressure", "hypertension", "arrhythmia", "cholesterol", "swollen ankles",
  ],
  dermatology: ["rash", "skin", "itch", "itchy", "acne", "mole", "eczema", "psoriasis", "hives", "hair loss", "nails", "wart", "sunburn", "spots"],
  endocrinology: ["diabetes", "blood sugar", "thyroid", "hormones", "hormone", "thirst", "weight gain", "insulin"],
  gastroenterology: [
    "stomach", "stomach ache", "belly", "abdominal pain", "tummy", "nausea", "vomiting", "diarrhoea", "diarrhea",
    "constipation", "heartburn", "reflux", "bloating", "liver", "jaundice", "indigestion",
  ],
  "general-practice": [
    "fever", "cold", "flu", "cough", "tired", "fatigue", "check up", "checkup", "sick note", "vaccination",
    "not sure", "general", "infection",
  ],
  nephrology: ["kidney", "kidney function", "dialysis", "protein in urine"],
  neurology: [
    "headache", "migraine", "dizziness", "dizzy", "numbness", "tingling", "seizure", "epilepsy", "stroke",
    "memory", "tremor", "fainting", "nerve pain",
  ],
  "obstetrics-gynecology": [
    "pregnancy", "pregnant", "period", "periods", "menstrual", "contraception", "menopause", "pelvic pain", "gynaecology",
  ],
  oncology: ["cancer", "tumour", "tumor", "lump", "chemotherapy"],
  ophthalmology: ["eye", "eyes", "vision", "blurry vision", "red eye", "sight", "glasses"],
  orthopedics: [
    "back pain", "knee", "joint pain", "shoulder", "hip", "fracture", "broken bone", "sprain", "ankle", "bone",
    "neck pain", "sports injury",
  ],
  otolaryngology: [
    "ear", "earache", "hearing", "sore throat", "throat", "nose", "sinus", "sinusitis", "tonsils", "nosebleed", "tinnitus", "ent",
  ],
  pediatrics: ["child", "children", "baby", "kid", "kids", "infant", "toddler", "teenager"],
  psychiatry: [
    "anxiety", "depression", "stress", "panic", "insomnia", "sleep problems", "mood", "low mood", "mental health",
  ],
  pulmonology: ["breathing", "shortness of breath", "breathless", "cough", "wheezing", "asthma", "lungs", "lung", "chest infection"],
  rheumatology: ["arthritis", "joint pain", "swollen joints", "stiff joints", "lupus", "gout"],
  urology: ["urine", "urinary", "bladder", "prostate", "kidney stones", "blood in urine", "peeing"],
} as const;

export interface SymptomMatch {
  slug: string;
  /** The word or phrase of SYMPTOMS that matched, as written there ("chest pain"). */
  term: string;
  score: number;
}

/** Lower case, no accents, only letters and digits separated by single spaces. */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith("es")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s")) return word.slice(0, -1);
  return word;
}

function sameWord(typed: string, known: string): boolean {
  return typed === known || stem(typed) === stem(known);
}

/** How well the typed words match one term: 100+ when every word of the term is there, 50+ while typing it. */
function termScore(words: string[], term: string): number {
  const termWords = normalize(term).split(" ");
  if (termWords.every((known) => words.some((typed) => sameWord(typed, known)))) return 100 + term.length;
  // The last word may be half typed ("palp"), the others must be whole ("chest ti").
  const last = words[words.length - 1] ?? "";
  if (last.length >= 3 && termWords.length >= words.length) {
    const earlier = words.slice(0, -1);
    const rest = termWords.filter((known) => !earlier.some((typed) => sameWord(typed, known)));
    if (rest.length === termWords.length - earlier.length && rest.some((known) => known.startsWith(last))) {
      return 50 + last.length;
    }
  }
  return 0;
}

/** The specializations whose symptom words the text mentions, best match first (one entry per slug). */
export function matchSymptoms(text: string): SymptomMatch[] {
  const query = normalize(text);
  if (query.length < 2) return [];
  const words = query.split(" ");
  const matches: SymptomMatch[] = [];
  for (const [slug, terms] of Object.entries(SYMPTOMS)) {
    let best: SymptomMatch | null = null;
    for (const term of terms) {
      const score = termScore(words, term);
      if (score > (best?.score ?? 0)) best = { slug, term, score };
    }
    if (best) matches.push(best);
  }
  return matches.sort((a, b) => b.score - a.score || a.slug.localeCompare(b.slug));
}

export interface CatalogEntry {
  slug?: string;
  name?: string;
  description?: string;
}

export interface SpecializationMatch<S extends CatalogEntry = CatalogEntry> {
  specialization: S;
  /** Why it matched, to show the patient: the symptom phrase, or null when the name itself matched. */
  because: string | null;
  score: number;
}

const DESCRIPTION_STOP = new Set(["and", "the", "for", "with", "any", "first", "point", "contact", "health", "care", "system", "disease", "disorders", "treatment", "diagnosis", "medical", "follow"]);

function nameScore(words: string[], entry: CatalogEntry): number {
  const nameWords = normalize(`${entry.name ?? ""} ${entry.slug ?? ""}`).split(" ");
  const matched = words.every((typed) => nameWords.some((known) => known.startsWith(typed) || sameWord(typed, known)));
  return matched ? 200 : 0;
}

function descriptionScore(words: string[], entry: CatalogEntry): number {
  const known = normalize(entry.description ?? "")
    .split(" ")
    .filter((word) => word.length >= 4 && !DESCRIPTION_STOP.has(word));
  return words.some((typed) => typed.length >= 4 && known.some((word) => sameWord(typed, word))) ? 10 : 0;
}

/**
 * The catalog entries that fit what the patient typed: by name ("cardio"), by symptom ("chest pain") or by a
 * word of the entry's description ("arrhythmia"); best first.
 */
export function findSpecializations<S extends CatalogEntry>(text: string, catalog: readonly S[]): SpecializationMatch<S>[] {
  const query = normalize(text);
  if (query.length < 2) return [];
  const words = query.split(" ");
  const symptoms = new Map(matchSymptoms(text).map((match) => [match.slug, match]));
  const found: SpecializationMatch<S>[] = [];
  for (const entry of catalog) {
    const byName = nameScore(words, entry);
    const bySymptom = symptoms.get(entry.slug ?? "");
    const byDescription = descriptionScore(words, entry);
    if (byName) found.push({ specialization: entry, because: null, score: byName });
    else if (bySymptom) found.push({ specialization: entry, because: bySymptom.term, score: bySymptom.score });
    else if (byDescription) found.push({ specialization: entry, because: query, score: byDescription });
  }
  return found.sort((a, b) => b.score - a.score || (a.specialization.name ?? "").localeCompare(b.specialization.name ?? ""));
}
