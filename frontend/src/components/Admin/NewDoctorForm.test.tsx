import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { NewDoctorForm } from "./NewDoctorForm";
import { stubApi } from "./testing";

const CATALOG = [
  { slug: "cardiology", name: "Cardiology" },
  { slug: "dermatology", name: "Dermatology" },
];
const ACCOUNT = { id: "7d1c3a8e-0000-4000-8000-000000000001", email: "anna.weber@example.org", full_name: "Dr. Anna Weber", role: "doctor" };
const DOCTOR = { id: "9e2d4b9f-0000-4000-8000-000000000002", full_name: "Dr. Anna Weber", user_id: ACCOUNT.id };

type User = ReturnType<typeof userEvent.setup>;

/** Type into a labelled field (pasted at once: typing key by key is slow in jsdom and tests nothing more). */
async function type(user: User, label: string, text: string) {
  await user.click(screen.getByLabelText(label));
  await user.paste(text);
}

async function fillIn() {
  const user = userEvent.setup();
  render(
    <MemoryRouter>
      <NewDoctorForm catalog={CATALOG} />
    </MemoryRouter>,
  );
  await type(user, "Email", ACCOUNT.email);
  await type(user, "Full name", ACCOUNT.full_name);
  await user.click(screen.getByLabelText("Cardiology"));
  await user.selectOptions(screen.getByLabelText("Time zone"), "Europe/Berlin");
  await type(user, "Clinic", "Heart Centre");
  return user;
}

// jsdom is slow with the form's 400 time zones on a busy 2-core machine; real browsers are not.
describe("adding a doctor", { timeout: 20_000 }, () => {
  it("creates the account, then the profile for that account", async () => {
    const calls = stubApi({
      "POST /api/v1/auth/users": { status: 201, body: ACCOUNT },
      "POST /api/v1/doctors": { status: 201, body: DOCTOR },
    });
    const user = await fillIn();
    await user.click(screen.getByRole("button", { name: "Create account and profile" }));

    expect(await screen.findByRole("heading", { name: "Dr. Anna Weber is in the directory" })).toBeInTheDocument();
    expect(screen.getByText(ACCOUNT.email)).toBeInTheDocument();
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual(["POST /api/v1/auth/users", "POST /api/v1/doctors"]);
    expect(calls[0]!.body).toEqual({ email: ACCOUNT.email, full_name: ACCOUNT.full_name, role: "doctor" });
    expect(calls[1]!.body).toMatchObject({
      user_id: ACCOUNT.id,
      full_name: ACCOUNT.full_name,
      specializations: ["cardiology"],
      time_zone: "Europe/Berlin",
      clinic: "Heart Centre",
    });
  });

  it("keeps everything typed when the profile fails, says the account exists, and retries only the profile", async () => {
    const calls = stubApi({
      "POST /api/v1/auth/users": { status: 201, body: ACCOUNT },
      "POST /api/v1/doctors": [
        { status: 503, body: { status: 503, title: "Service Unavailable" } },
        { status: 201, body: DOCTOR },
      ],
    });
    const user = await fillIn();
    await user.click(screen.getByRole("button", { name: "Create account and profile" }));

    const retry = await screen.findByRole("button", { name: "Retry the profile" });
    expect(screen.getByTestId("step-1")).toHaveTextContent("— Done");
    expect(screen.getByTestId("step-2")).toHaveTextContent("— Failed");
    expect(screen.getByTestId("step-2")).toHaveTextContent("The account already exists");
    // nothing typed is lost
    expect(screen.getByLabelText("Email")).toHaveValue(ACCOUNT.email);
    expect(screen.getByLabelText("Email")).toHaveAttribute("readonly");
    expect(screen.getByLabelText("Full name")).toHaveValue(ACCOUNT.full_name);
    expect(screen.getByLabelText("Cardiology")).toBeChecked();
    expect(screen.getByLabelText("Clinic")).toHaveValue("Heart Centre");

    // a change made before retrying goes into the profile
    await user.click(screen.getByLabelText("Dermatology"));
    await user.click(retry);

    expect(await screen.findByRole("heading", { name: "Dr. Anna Weber is in the directory" })).toBeInTheDocument();
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      "POST /api/v1/auth/users",
      "POST /api/v1/doctors",
      "POST /api/v1/doctors",
    ]);
    expect(calls[2]!.body).toMatchObject({ user_id: ACCOUNT.id, specializations: ["cardiology", "dermatology"] });
  });

  it("shows the server's field errors next to the fields when the profile is refused", async () => {
    stubApi({
      "POST /api/v1/auth/users": { status: 201, body: ACCOUNT },
      "POST /api/v1/doctors": {
        status: 422,
        body: { status: 422, title: "Unprocessable", detail: "Some fields are not right.", errors: { languages: ["Not language codes: xx1."] } },
      },
    });
    const user = await fillIn();
    await user.clear(screen.getByLabelText("Languages"));
    await type(user, "Languages", "xx1");
    await user.click(screen.getByRole("button", { name: "Create account and profile" }));

    expect(await screen.findByText("Not language codes: xx1.")).toBeInTheDocument();
    expect(screen.getByLabelText("Languages")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Languages")).toHaveValue("xx1");
    expect(screen.getByRole("button", { name: "Retry the profile" })).toBeInTheDocument();
  });

  it("creates nothing when the email is taken, and offers the existing doctor account", async () => {
    const calls = stubApi({
      "POST /api/v1/auth/users": {
        status: 409,
        body: { status: 409, title: "Conflict", detail: "An account with this email already exists.", errors: { email: ["already registered"] } },
      },
      "GET /api/v1/auth/users": { status: 200, body: { items: [ACCOUNT], page: 1, page_size: 5, total: 1 } },
      "POST /api/v1/doctors": { status: 201, body: DOCTOR },
    });
    const user = await fillIn();
    await user.click(screen.getByRole("button", { name: "Create account and profile" }));

    expect(await screen.findByText("already registered")).toBeInTheDocument();
    expect(screen.getByTestId("step-1")).toHaveTextContent("— Failed");
    expect(screen.getByTestId("step-1")).toHaveTextContent("An account with this email already exists. Nothing was created.");
    expect(screen.getByLabelText("Full name")).toHaveValue(ACCOUNT.full_name);

    await user.click(await screen.findByRole("button", { name: "Create the profile for Dr. Anna Weber" }));
    expect(await screen.findByRole("heading", { name: "Dr. Anna Weber is in the directory" })).toBeInTheDocument();
    expect(calls.filter((call) => call.method === "POST").map((call) => call.path)).toEqual(["/api/v1/auth/users", "/api/v1/doctors"]);
  });

  it("asks for what is missing before calling anyone", async () => {
    const calls = stubApi({});
    const user = userEvent.setup();
    render(
      <MemoryRouter>
        <NewDoctorForm catalog={CATALOG} />
      </MemoryRouter>,
    );
    await user.click(screen.getByRole("button", { name: "Create account and profile" }));
    expect(screen.getByText("Enter the doctor's email address; the invitation goes there.")).toBeInTheDocument();
    expect(screen.getByText("Choose at least one specialization.")).toBeInTheDocument();
    expect(calls).toEqual([]);
  });
});
