import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError } from "../../api/problem";
import { challengeFromLogin, challengeFromRefusal, SecondStep } from "./SecondStep";

function answer(status: number, body: unknown) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

const ME = { id: "u1", email: "dr@example.org", role: "doctor", full_name: "Dr. Grey", email_verified: true, csrf_token: "c" };

function serve(answers: Response[]) {
  const sent: { path: string; body: unknown }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      sent.push({ path: new URL(request.url).pathname, body: await request.clone().json().catch(() => undefined) });
      return answers.shift() ?? answer(500, { status: 500 });
    }),
  );
  return sent;
}

afterEach(() => vi.unstubAllGlobals());

describe("the code step of a staff sign-in", () => {
  it("reads the challenge from a login answer and from a 403 that asks to enrol first", () => {
    expect(challengeFromLogin({ mfa_required: true, mfa_token: "t1" })).toEqual({ token: "t1", purpose: "verify" });
    expect(challengeFromLogin({})).toBeNull();
    const refusal = new ApiError({ status: 403, detail: "required", mfa_enrolment_required: true, mfa_token: "t2" });
    expect(challengeFromRefusal(refusal)).toEqual({ token: "t2", purpose: "enrol" });
    expect(challengeFromRefusal(new ApiError({ status: 403, detail: "disabled" }))).toBeNull();
  });

  it("keeps the typed code after a wrong one, then signs in with the right one", async () => {
    const sent = serve([
      answer(401, { status: 401, detail: "This code is not right, or it was already used.", errors: { code: ["wrong or already used"] } }),
      answer(200, ME),
    ]);
    const onSignedIn = vi.fn();
    render(<SecondStep challenge={{ token: "t1", purpose: "verify" }} onSignedIn={onSignedIn} onRestart={() => undefined} />);
    const field = screen.getByLabelText("Code from your authenticator app");
    await userEvent.type(field, "123456");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("This code is not right");
    expect(field).toHaveValue("123456");
    expect(screen.queryByText("Start again with your password")).not.toBeInTheDocument();
    await userEvent.clear(field);
    await userEvent.type(field, "654321");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await vi.waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(ME));
    expect(sent.map((s) => s.body)).toEqual([
      { mfa_token: "t1", code: "123456" },
      { mfa_token: "t1", code: "654321" },
    ]);
  });

  it("takes a recovery code instead, and offers to start again when the pending sign-in is gone", async () => {
    serve([answer(401, { status: 401, detail: "This sign-in has expired or was ended. Sign in again with your password." })]);
    const onRestart = vi.fn();
    render(<SecondStep challenge={{ token: "t1", purpose: "verify" }} onSignedIn={() => undefined} onRestart={onRestart} />);
    await userEvent.click(screen.getByRole("button", { name: "Lost your phone? Use a recovery code" }));
    await userEvent.type(screen.getByLabelText("Recovery code"), "K7M2Q-9XRTA");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await userEvent.click(await screen.findByRole("button", { name: "Start again with your password" }));
    expect(onRestart).toHaveBeenCalled();
  });

  it("when MFA is mandatory: sets up the app, shows the key and the recovery codes once, then signs in", async () => {
    const codes = ["AAAAA-BBBBB", "CCCCC-DDDDD"];
    serve([
      answer(200, { secret: "JBSWY3DPEHPK3PXP", secret_grouped: "JBSW Y3DP EHPK 3PXP", otpauth_uri: "otpauth://totp/Hospital:dr?secret=JBSWY3DPEHPK3PXP" }),
      answer(200, { ...ME, recovery_codes: codes }),
    ]);
    const onSignedIn = vi.fn();
    render(<SecondStep challenge={{ token: "t2", purpose: "enrol" }} onSignedIn={onSignedIn} onRestart={() => undefined} />);
    await userEvent.click(screen.getByRole("button", { name: "Set up the authenticator app" }));
    expect(await screen.findByText("JBSW Y3DP EHPK 3PXP")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("The 6-digit code the app now shows"), "123456");
    await userEvent.click(screen.getByRole("button", { name: "Turn on and sign in" }));
    expect(await screen.findByText("AAAAA-BBBBB")).toBeInTheDocument();
    expect(onSignedIn).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "I have saved them, continue" }));
    expect(onSignedIn).toHaveBeenCalledWith(expect.objectContaining({ role: "doctor" }));
  });
});
