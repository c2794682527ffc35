// The console's one way to the platform: POST /graphql with the operator's bearer token.

const TOKEN_KEY = "console.token";
const ENDPOINT = new URL("../graphql", document.baseURI).pathname;

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

let onUnauthenticated = () => {};
export function whenSignedOut(callback) {
  onUnauthenticated = callback;
}

/** The data of one operation; an ApiError carrying the first error's code otherwise. */
export async function gql(query, variables = {}, { allowPartial = false } = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(ENDPOINT, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch (error) {
    throw new ApiError(String(error), "UNAVAILABLE");
  }
  const body = await response.json().catch(() => ({}));
  const errors = body.errors || [];
  if (errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) {
    setToken(null);
    onUnauthenticated();
  }
  if (errors.length && !(allowPartial && body.data)) {
    const first = errors[0];
    throw new ApiError(first.message || `HTTP ${response.status}`, first.extensions?.code || "INTERNAL");
  }
  return body.data;
}
