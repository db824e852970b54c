// What a failed request said (RFC 9457 problem+json), and how to say it to a person in plain words.

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: Record<string, string[]>;
  [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title || `Request failed (${problem.status})`);
    this.name = "ApiError";
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  /** The messages for one field of the form, e.g. fieldErrors("email"). */
  fieldErrors(field: string): string[] {
    return this.problem.errors?.[field] ?? [];
  }
}

const PLAIN_BY_STATUS: Record<number, string> = {
  0: "We could not reach the hospital's servers. Check your connection and try again.",
  400: "Something in the request was not right. Please check and try again.",
  401: "Please sign in to continue.",
  403: "You don't have access to this page.",
  404: "We couldn't find that. It may have been removed.",
  409: "That changed while you were looking. Please choose again.",
  412: "Someone else changed this in the meantime.",
  413: "That is too large to send.",
  415: "The request was sent in a form the server does not accept.",
  422: "Some details need your attention.",
  428: "This change needs the version you started from. Reload and try again.",
  429: "Too many tries in a short time. Please wait a moment and try again.",
  500: "Something went wrong on our side. Please try again in a moment.",
  502: "The service is restarting. Please try again in a moment.",
  503: "The service is busy or down for a moment. Please try again shortly.",
  504: "The service took too long to answer. Please try again.",
};

/** One sentence a patient can act on: the server's own detail when it has one, else a plain default. */
export function plainMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const { detail, status } = error.problem;
    if (detail && status < 500) return detail;
    return PLAIN_BY_STATUS[status] ?? PLAIN_BY_STATUS[status >= 500 ? 500 : 400]!;
  }
  return PLAIN_BY_STATUS[0]!;
}

/** Field messages flattened for display next to the form: "weekly.monday[0].end: ..." keeps its path. */
export function fieldMessages(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !error.problem.errors) return {};
  return Object.fromEntries(
    Object.entries(error.problem.errors).map(([field, messages]) => [field, messages.join(" ")]),
  );
}

export async function problemFrom(response: Response): Promise<Problem> {
  const type = response.headers.get("Content-Type") ?? "";
  if (type.includes("json")) {
    try {
      const body = (await response.clone().json()) as Partial<Problem>;
      return { ...body, status: typeof body.status === "number" ? body.status : response.status };
    } catch {
      // fall through: a body that is not JSON after all
    }
  }
  return { status: response.status, title: response.statusText };
}
