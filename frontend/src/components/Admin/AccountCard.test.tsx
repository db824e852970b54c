import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { User } from "../../api/types";
import { AccountCard } from "./AccountCard";
import { stubApi } from "./testing";

const PAT: User = { id: "3f0c9a1e-0000-4000-8000-000000000003", email: "pat@example.org", full_name: "Pat Example", role: "patient", disabled: false };

function show(user: User, isMe = false) {
  const onChanged = vi.fn();
  render(
    <ul>
      <AccountCard user={user} isMe={isMe} onChanged={onChanged} />
    </ul>,
  );
  return onChanged;
}

describe("an account in the admin's list", () => {
  it("is disabled only after the admin confirms", async () => {
    const calls = stubApi({ "POST /api/v1/auth/users/3f0c9a1e-0000-4000-8000-000000000003/disable": { status: 200, body: { ...PAT, disabled: true } } });
    const onChanged = show(PAT);
    const user = userEvent.setup();

    await user.click(screen.getByRole("button", { name: "Disable Pat Example" }));
    expect(calls).toEqual([]);
    expect(screen.getByText(/signed out everywhere at once/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Yes, disable" })).toHaveFocus();

    await user.click(screen.getByRole("button", { name: "Yes, disable" }));
    expect(await screen.findByText("Account disabled.")).toBeInTheDocument();
    expect(calls.map((call) => call.method + " " + call.path)).toEqual([`POST /api/v1/auth/users/${PAT.id}/disable`]);
    expect(onChanged).toHaveBeenCalledWith({ ...PAT, disabled: true });
  });

  it("changes the role after a confirm, and shows the server's refusal in its words", async () => {
    const calls = stubApi({
      [`PATCH /api/v1/auth/users/${PAT.id}`]: {
        status: 409,
        body: { status: 409, title: "Conflict", detail: "The last admin cannot be demoted." },
      },
    });
    show(PAT);
    const user = userEvent.setup();

    await user.selectOptions(screen.getByLabelText("Role of Pat Example"), "admin");
    await user.click(screen.getByRole("button", { name: "Change role of Pat Example" }));
    expect(screen.getByText(/from Patient to Admin/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Yes, change role" }));

    expect(await screen.findByText("The last admin cannot be demoted.")).toBeInTheDocument();
    expect(calls[0]).toMatchObject({ method: "PATCH", body: { role: "admin" } });
  });

  it("offers no disable or role change on your own account", () => {
    show({ ...PAT, role: "admin" }, true);
    expect(screen.queryByRole("button", { name: /Disable/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("combobox")).not.toBeInTheDocument();
    expect(screen.getByText("You")).toBeInTheDocument();
  });
});
