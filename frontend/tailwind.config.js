/** @type {import('tailwindcss').Config} */
export default {
  content: ["./index.html", "./src/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        brand: { 50: "#f0fdfa", 100: "#ccfbf1", 600: "#0d9488", 700: "#0f766e", 800: "#115e59", 900: "#134e4a" },
      },
    },
  },
  plugins: [],
};
