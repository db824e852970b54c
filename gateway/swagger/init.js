// One Swagger UI over the four services' OpenAPI documents, all fetched through the gateway.
//
// "Try it out" calls the API as the person signed in on this site: the session cookie goes along (same
// origin), and unsafe methods carry the session's CSRF token, as the SPA's do. Auth-MS hands the token out
// in the answers of sign-in, registration and GET /api/v1/auth/me; it is kept from whichever of those this
// page sees, and read once from /me on load for a session that already exists.
(function () {
  "use strict";

  var UNSAFE = { POST: true, PUT: true, PATCH: true, DELETE: true };
  var AUTH = "/api/v1/auth/";
  var SIGNED_OUT = /\/api\/v1\/auth\/logout(-all)?$/;
  var csrfToken = "";

  function remember(body) {
    if (body && typeof body === "object" && typeof body.csrf_token === "string") {
      csrfToken = body.csrf_token;
    }
  }

  function pathOf(url) {
    try {
      return new URL(url, window.location.href).pathname;
    } catch (ignored) {
      return "";
    }
  }

  fetch(AUTH + "me", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (answer) {
      return answer.ok ? answer.json() : null;
    })
    .then(remember)
    .catch(function () {
      // not signed in, or the gateway is down: "Try it out" still works for public routes
    });

  window.ui = SwaggerUIBundle({
    urls: [
      { name: "Auth-MS", url: "/api/v1/auth/openapi.json" },
      { name: "Patient-MS", url: "/api/v1/patients/openapi.json" },
      { name: "Doctor-MS", url: "/api/v1/doctors/openapi.json" },
      { name: "Appointment-MS (appointments and slots)", url: "/api/v1/appointments/openapi.json" },
    ],
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout",
    deepLinking: true,
    requestInterceptor: function (request) {
      request.credentials = "same-origin";
      var method = (request.method || "GET").toUpperCase();
      if (UNSAFE[method] && csrfToken && pathOf(request.url).indexOf("/api/") === 0) {
        request.headers = request.headers || {};
        request.headers["X-CSRF-Token"] = csrfToken;
      }
      return request;
    },
    responseInterceptor: function (response) {
      var path = pathOf(response.url);
      if (path.indexOf(AUTH) === 0 && response.ok) {
        if (SIGNED_OUT.test(path)) csrfToken = "";
        else remember(response.body);
      }
      return response;
    },
  });
})();
