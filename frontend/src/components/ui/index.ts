export { Button } from "./Button";
export { SelectField, TextField } from "./Field";
export { Alert, EmptyState, ErrorState, Loading } from "./Feedback";
export { Page } from "./Page";
export { TextAreaField } from "./TextAreaField";
